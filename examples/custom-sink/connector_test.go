package main

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/connectkit/connectkit/connect"
	"github.com/connectkit/connectkit/connectortest"
)

// TestConformance runs the connector through the suite every sink must
// pass; WithReadBack lets it check the files themselves, not only what the
// task claims.
func TestConformance(t *testing.T) {
	dir := t.TempDir()
	connectortest.TestSinkTask(t, func() connect.SinkTask { return &Task{} },
		connectortest.WithSinkConfig(map[string]string{DirConfig: dir}),
		connectortest.WithReadBack(func(t testing.TB) [][]byte { return readDir(t, dir) }),
	)
}

func readDir(t testing.TB, dir string) [][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			out = append(out, append([]byte(nil), sc.Bytes()...))
		}
		f.Close()
	}
	return out
}
