package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// FileOffsetStore is an [OffsetStore] that keeps offsets in a file, as Kafka
// Connect's standalone mode does with offset.storage.file.filename, and in
// the same format: a Java-serialized java.util.HashMap<byte[], byte[]> of
// offset keys and values in Kafka Connect's offset format (see the package
// documentation), which Kafka Connect's FileOffsetBackingStore reads and
// writes. A worker moves between Kafka Connect and this runtime with its
// offsets file unchanged, either way.
//
// The JSON files that earlier versions of this package wrote, an object
// mapping each key to its value,
//
//	{"[\"my-conn\",{\"url\":\"http://x\"}]":"{\"position\":5}"}
//
// are still read (a Java stream starts with the bytes 0xACED, a JSON file
// never does), and replaced by Kafka Connect's format at the first store.
// An empty file is an empty store, as in Kafka Connect; a truncated or
// otherwise malformed one is an error naming the file, where Kafka Connect
// starts over without offsets.
//
// Each store writes the whole file to a temporary file in the same
// directory, syncs it and renames it over the old one, so a crash leaves the
// old offsets or the new ones, never a torn file.
type FileOffsetStore struct {
	path string
	t    *table
	// opaque holds the file's entries that are not offsets of this format
	// (a null key, a key that is not a [connector, partition] array): kept
	// and written back, as Kafka Connect keeps them.
	opaque []javaEntry

	mu sync.Mutex // serializes writes of the file
}

var _ OffsetStore = (*FileOffsetStore)(nil)

// NewFileOffsetStore opens the offsets in filename. A missing file is an
// empty store; it is created by the first store.
func NewFileOffsetStore(filename string) (*FileOffsetStore, error) {
	s := &FileOffsetStore{path: filename, t: newTable()}
	b, err := os.ReadFile(filename)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("source: offset file: %w", err)
	}
	if err := s.load(b); err != nil {
		return nil, fmt.Errorf("source: offset file %s: %w", filename, err)
	}
	return s, nil
}

// Offsets implements [OffsetStore].
func (s *FileOffsetStore) Offsets(ctx context.Context, connector string, partitions []map[string]any) ([]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.t.lookup(connector, partitions)
}

// StoreOffsets implements [OffsetStore]: it rewrites the file with the new
// offsets and returns once the file is synced.
func (s *FileOffsetStore) StoreOffsets(ctx context.Context, connector string, offsets []PartitionOffset) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	entries, err := encodeOffsets(connector, offsets)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Write the file with the new offsets before the table has them, so a
	// failed write leaves both as they were.
	next := newTable()
	next.entries = s.t.snapshot()
	for _, e := range entries {
		if err := next.apply(e.key, e.value); err != nil {
			return err
		}
	}
	if err := s.write(next.snapshot()); err != nil {
		return err
	}
	for _, e := range entries {
		if err := s.t.apply(e.key, e.value); err != nil {
			return err
		}
	}
	return nil
}

// load reads the file's contents, in Kafka Connect's format or the JSON
// one this package wrote before.
func (s *FileOffsetStore) load(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	if len(b) >= 2 && b[0] == 0xAC && b[1] == 0xED {
		entries, err := decodeJavaOffsets(b)
		if err != nil {
			return fmt.Errorf("in Kafka Connect's format: %w", err)
		}
		for _, e := range entries {
			if e.key == nil || s.t.apply(e.key, e.value) != nil {
				s.opaque = append(s.opaque, e)
			}
		}
		return nil
	}
	var entries map[string]*string
	if err := json.Unmarshal(b, &entries); err != nil {
		return fmt.Errorf("neither Kafka Connect's format (a Java-serialized HashMap) nor a JSON object of string keys and values: %w", err)
	}
	for k, v := range entries {
		var value []byte
		if v != nil {
			value = []byte(*v)
		}
		if err := s.t.apply([]byte(k), value); err != nil {
			return err
		}
	}
	return nil
}

func (s *FileOffsetStore) write(entries map[string]entry) error {
	out := make([]javaEntry, 0, len(entries)+len(s.opaque))
	for _, e := range entries {
		out = append(out, javaEntry(e))
	}
	out = append(out, s.opaque...)
	b := encodeJavaOffsets(out)
	dir := filepath.Dir(s.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(s.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("source: offset file: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close() // the write error is the one to report
		return fmt.Errorf("source: offset file: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close() // the sync error is the one to report
		return fmt.Errorf("source: offset file: sync %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("source: offset file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("source: offset file: %w", err)
	}
	// Make the rename itself durable.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
