package source

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Kafka Connect's standalone offsets file (FileOffsetBackingStore) is one
// Java-serialized java.util.HashMap<byte[], byte[]>: the keys and values are
// the stored offset keys and values. Go has no Java serialization library
// worth a dependency, and a general one would be the wrong tool: it would
// have to accept any class the file names, which is how hostile files attack
// Java readers. So this file reads and writes exactly that one object graph
// (java.io.ObjectOutputStream's protocol, version 5): a HashMap whose
// entries are byte arrays or null, and fails on anything else. Every length
// read from the file is checked against the bytes left before anything is
// allocated, so a hostile file costs at most its own size in memory.

// Protocol constants of java.io.ObjectStreamConstants.
const (
	javaStreamMagic   = 0xACED
	javaStreamVersion = 5

	tcNull         = 0x70
	tcReference    = 0x71
	tcClassDesc    = 0x72
	tcObject       = 0x73
	tcArray        = 0x75
	tcBlockData    = 0x77
	tcEndBlockData = 0x78

	baseWireHandle = 0x7E0000

	scWriteMethod  = 0x01
	scSerializable = 0x02
)

// The serialVersionUIDs Java checks when it reads the file: those of
// java.util.HashMap and of byte[] ("[B").
const (
	hashMapSUID   uint64 = 0x0507DAC1C31660D1 // 362498820763181265
	byteArraySUID uint64 = 0xACF317F8060854E0 // -5984413125824719648
)

// javaEntry is one key and value of the map; nil is Java's null.
type javaEntry struct{ key, value []byte }

// encodeJavaOffsets writes entries as ObjectOutputStream writes a HashMap
// that holds them, with the capacity and threshold Java's HashMap has after
// as many puts, so Java reads it back as the map it would have written.
func encodeJavaOffsets(entries []javaEntry) []byte {
	n := len(entries)
	size := 64
	for _, e := range entries {
		size += len(e.key) + len(e.value) + 20
	}
	b := make([]byte, 0, size)
	b = binary.BigEndian.AppendUint16(b, javaStreamMagic)
	b = binary.BigEndian.AppendUint16(b, javaStreamVersion)

	// The HashMap's class descriptor (handle 0) and the object (handle 1).
	b = append(b, tcObject, tcClassDesc)
	b = appendJavaUTF(b, "java.util.HashMap")
	b = binary.BigEndian.AppendUint64(b, hashMapSUID)
	b = append(b, scSerializable|scWriteMethod)
	b = binary.BigEndian.AppendUint16(b, 2)
	b = append(b, 'F')
	b = appendJavaUTF(b, "loadFactor")
	b = append(b, 'I')
	b = appendJavaUTF(b, "threshold")
	b = append(b, tcEndBlockData, tcNull) // no annotations; AbstractMap is not Serializable

	// HashMap's fields, then what its writeObject writes: the table's
	// capacity and the size in block data, then each key and value.
	capacity, threshold := 16, 0
	if n > 0 {
		threshold = 12
		for n > threshold {
			capacity *= 2
			threshold = capacity / 4 * 3
		}
	}
	b = binary.BigEndian.AppendUint32(b, math.Float32bits(0.75))
	b = binary.BigEndian.AppendUint32(b, uint32(threshold))
	b = append(b, tcBlockData, 8)
	b = binary.BigEndian.AppendUint32(b, uint32(capacity))
	b = binary.BigEndian.AppendUint32(b, uint32(n))

	const arrayDescHandle = baseWireHandle + 2
	described := false
	appendArray := func(v []byte) {
		if v == nil {
			b = append(b, tcNull)
			return
		}
		b = append(b, tcArray)
		if described {
			b = append(b, tcReference)
			b = binary.BigEndian.AppendUint32(b, arrayDescHandle)
		} else {
			described = true
			b = append(b, tcClassDesc)
			b = appendJavaUTF(b, "[B")
			b = binary.BigEndian.AppendUint64(b, byteArraySUID)
			b = append(b, scSerializable, 0, 0, tcEndBlockData, tcNull)
		}
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	for _, e := range entries {
		appendArray(e.key)
		appendArray(e.value)
	}
	return append(b, tcEndBlockData)
}

// appendJavaUTF appends an ASCII class or field name as writeUTF does.
func appendJavaUTF(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
	return append(b, s...)
}

// errJavaTruncated reports a stream that ends inside the map.
var errJavaTruncated = errors.New("truncated: the file ends inside the map")

// javaReader reads the one object graph encodeJavaOffsets writes, in the
// forms ObjectOutputStream gives it.
type javaReader struct {
	b   []byte
	pos int
	// handles holds, by wire handle, what each one names: a class name for
	// a class descriptor, nil for the map and for each array.
	handles []any
}

type javaClass string

// decodeJavaOffsets reads Kafka Connect's offsets file.
func decodeJavaOffsets(b []byte) ([]javaEntry, error) {
	r := &javaReader{b: b}
	magic, err := r.u16()
	if err != nil {
		return nil, err
	}
	version, err := r.u16()
	if err != nil {
		return nil, err
	}
	if magic != javaStreamMagic || version != javaStreamVersion {
		return nil, fmt.Errorf("not a Java serialization stream of version 5 (starts %#04x %d)", magic, version)
	}
	if err := r.expect(tcObject, "a HashMap object"); err != nil {
		return nil, err
	}
	if err := r.hashMapDesc(); err != nil {
		return nil, err
	}
	r.handles = append(r.handles, nil) // the map itself
	// The fields loadFactor and threshold, which Java's HashMap ignores
	// when it reads itself.
	if _, err := r.take(8); err != nil {
		return nil, err
	}
	if err := r.expect(tcBlockData, "block data holding the map's capacity and size"); err != nil {
		return nil, err
	}
	blockLen, err := r.u8()
	if err != nil {
		return nil, err
	}
	if blockLen != 8 {
		return nil, fmt.Errorf("at byte %d: the map's block data is %d bytes, not 8", r.pos, blockLen)
	}
	if _, err := r.u32(); err != nil { // capacity, which sizes Java's table only
		return nil, err
	}
	size, err := r.u32()
	if err != nil {
		return nil, err
	}
	// Each key and value takes a byte at least.
	if int32(size) < 0 || int(size) > (len(r.b)-r.pos)/2 {
		return nil, fmt.Errorf("at byte %d: the map claims %d entries, more than the file holds", r.pos-4, int32(size))
	}
	entries := make([]javaEntry, 0, size)
	for range size {
		k, err := r.array()
		if err != nil {
			return nil, err
		}
		v, err := r.array()
		if err != nil {
			return nil, err
		}
		entries = append(entries, javaEntry{key: k, value: v})
	}
	if err := r.expect(tcEndBlockData, "the end of the map"); err != nil {
		return nil, err
	}
	// Java reads one object and ignores what follows; so does this.
	return entries, nil
}

// hashMapDesc reads java.util.HashMap's class descriptor.
func (r *javaReader) hashMapDesc() error {
	if err := r.expect(tcClassDesc, "a class descriptor"); err != nil {
		return err
	}
	name, err := r.utf()
	if err != nil {
		return err
	}
	if name != "java.util.HashMap" {
		return fmt.Errorf("the file holds a %.100q, not a java.util.HashMap", name)
	}
	suid, err := r.u64()
	if err != nil {
		return err
	}
	if suid != hashMapSUID {
		return fmt.Errorf("java.util.HashMap with serialVersionUID %d, not %d", int64(suid), int64(hashMapSUID))
	}
	flags, err := r.u8()
	if err != nil {
		return err
	}
	if flags != scSerializable|scWriteMethod {
		return fmt.Errorf("java.util.HashMap with class flags %#x, not %#x", flags, scSerializable|scWriteMethod)
	}
	nfields, err := r.u16()
	if err != nil {
		return err
	}
	if nfields != 2 {
		return fmt.Errorf("java.util.HashMap with %d fields, not 2", nfields)
	}
	want := []struct {
		code byte
		name string
	}{{'F', "loadFactor"}, {'I', "threshold"}}
	for _, w := range want {
		code, err := r.u8()
		if err != nil {
			return err
		}
		name, err := r.utf()
		if err != nil {
			return err
		}
		if code != w.code || name != w.name {
			return fmt.Errorf("java.util.HashMap field %c %.100q, want %c %s", code, name, w.code, w.name)
		}
	}
	if err := r.expect(tcEndBlockData, "the end of HashMap's class annotations"); err != nil {
		return err
	}
	if err := r.expect(tcNull, "no superclass descriptor"); err != nil {
		return err
	}
	r.handles = append(r.handles, javaClass(name))
	return nil
}

// array reads a byte[] or null.
func (r *javaReader) array() ([]byte, error) {
	tc, err := r.u8()
	if err != nil {
		return nil, err
	}
	switch tc {
	case tcNull:
		return nil, nil
	case tcReference:
		// ObjectOutputStream writes a reference for an array written
		// before; Kafka Connect's map never holds one array twice, and
		// a file of references to one large array would cost its size
		// again for each.
		return nil, fmt.Errorf("at byte %d: a map entry refers to an earlier object, which Kafka Connect never writes", r.pos-1)
	case tcArray:
	default:
		return nil, fmt.Errorf("at byte %d: a map entry of type code %#x, not a byte array or null", r.pos-1, tc)
	}
	tc, err = r.u8()
	if err != nil {
		return nil, err
	}
	switch tc {
	case tcReference:
		v, err := r.ref()
		if err != nil {
			return nil, err
		}
		if v != javaClass("[B") {
			return nil, fmt.Errorf("at byte %d: an array of a class other than byte[]", r.pos)
		}
	case tcClassDesc:
		name, err := r.utf()
		if err != nil {
			return nil, err
		}
		if name != "[B" {
			return nil, fmt.Errorf("at byte %d: an array of class %.100q, not byte[]", r.pos, name)
		}
		suid, err := r.u64()
		if err != nil {
			return nil, err
		}
		if suid != byteArraySUID {
			return nil, fmt.Errorf("at byte %d: byte[] with serialVersionUID %d, not %d", r.pos, int64(suid), int64(-5984413125824719648))
		}
		rest, err := r.take(5) // flags, no fields, no annotations, no superclass
		if err != nil {
			return nil, err
		}
		if rest[0] != scSerializable || rest[1] != 0 || rest[2] != 0 || rest[3] != tcEndBlockData || rest[4] != tcNull {
			return nil, fmt.Errorf("at byte %d: a malformed byte[] class descriptor", r.pos)
		}
		r.handles = append(r.handles, javaClass(name))
	default:
		return nil, fmt.Errorf("at byte %d: an array without a class descriptor (type code %#x)", r.pos-1, tc)
	}
	n, err := r.u32()
	if err != nil {
		return nil, err
	}
	if int32(n) < 0 || int(n) > len(r.b)-r.pos {
		return nil, fmt.Errorf("at byte %d: a byte array of %d bytes, more than the file holds", r.pos-4, int32(n))
	}
	a, _ := r.take(int(n))
	a = append([]byte{}, a...) // the file's buffer is not kept
	r.handles = append(r.handles, nil)
	return a, nil
}

func (r *javaReader) ref() (any, error) {
	h, err := r.u32()
	if err != nil {
		return nil, err
	}
	i := int64(h) - baseWireHandle
	if i < 0 || i >= int64(len(r.handles)) {
		return nil, fmt.Errorf("at byte %d: a reference to unknown handle %#x", r.pos-4, h)
	}
	return r.handles[i], nil
}

func (r *javaReader) expect(tc byte, what string) error {
	got, err := r.u8()
	if err != nil {
		return err
	}
	if got != tc {
		return fmt.Errorf("at byte %d: type code %#x where %s (%#x) belongs", r.pos-1, got, what, tc)
	}
	return nil
}

func (r *javaReader) take(n int) ([]byte, error) {
	if n > len(r.b)-r.pos {
		return nil, errJavaTruncated
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

func (r *javaReader) u8() (byte, error) {
	s, err := r.take(1)
	if err != nil {
		return 0, err
	}
	return s[0], nil
}

func (r *javaReader) u16() (uint16, error) {
	s, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint16(s), nil
}

func (r *javaReader) u32() (uint32, error) {
	s, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(s), nil
}

func (r *javaReader) u64() (uint64, error) {
	s, err := r.take(8)
	if err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(s), nil
}

// utf reads a class or field name; the names this reader accepts are ASCII,
// where modified UTF-8 and UTF-8 agree.
func (r *javaReader) utf() (string, error) {
	n, err := r.u16()
	if err != nil {
		return "", err
	}
	s, err := r.take(int(n))
	if err != nil {
		return "", err
	}
	return string(s), nil
}
