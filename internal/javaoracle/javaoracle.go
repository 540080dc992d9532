// Package javaoracle builds and runs the small Java programs that the
// differential tests use as oracles: Kafka's own converters and offset
// stores, Jayway json-path, Kafka Connect's workers. Each program is a
// directory holding a pom.xml, whose dependencies (from Maven Central) make
// its class path, and Java sources under src/main/java.
//
// The tests that use it sit behind the integration build tag. Without java,
// javac or mvn on the PATH a test skips, unless CONNECTKIT_INTEGRATION_REQUIRED
// is 1 (as .ci/integration.sh sets it), where it fails: a CI run that meant to
// compare against Java cannot pass by not comparing.
package javaoracle

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Program is a compiled Java harness, ready to run.
type Program struct {
	// ClassPath is the compiled classes followed by the pom's dependencies.
	ClassPath string
}

var (
	mu    sync.Mutex
	built = map[string]*Program{}
)

// Build resolves the dependencies of the pom.xml in dir and compiles every
// .java file under dir/src/main/java, once per test process and directory.
// The classes go to a directory of the process's own, so concurrent test
// processes never share a half-written class.
func Build(t testing.TB, dir string) *Program {
	t.Helper()
	requireTools(t)
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatalf("javaoracle: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if p, ok := built[abs]; ok {
		return p
	}
	out, err := os.MkdirTemp("", "javaoracle-")
	if err != nil {
		t.Fatalf("javaoracle: %v", err)
	}
	cpFile := filepath.Join(out, "classpath.txt")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := run(ctx, abs, nil, "mvn", "-q", "-B", "-Dstyle.color=never", "-f", filepath.Join(abs, "pom.xml"),
		"dependency:build-classpath", "-Dmdep.outputFile="+cpFile); err != nil {
		t.Fatalf("javaoracle: resolve the class path of %s: %v", abs, err)
	}
	deps, err := os.ReadFile(cpFile)
	if err != nil {
		t.Fatalf("javaoracle: %v", err)
	}
	var sources []string
	err = filepath.WalkDir(filepath.Join(abs, "src", "main", "java"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".java") {
			sources = append(sources, path)
		}
		return err
	})
	if err != nil || len(sources) == 0 {
		t.Fatalf("javaoracle: no Java sources under %s/src/main/java: %v", abs, err)
	}
	classes := filepath.Join(out, "classes")
	args := append([]string{"-encoding", "UTF-8", "-nowarn", "-d", classes, "-cp", strings.TrimSpace(string(deps))}, sources...)
	if err := run(ctx, abs, nil, "javac", args...); err != nil {
		t.Fatalf("javaoracle: compile %s: %v", abs, err)
	}
	p := &Program{ClassPath: classes + string(os.PathListSeparator) + strings.TrimSpace(string(deps))}
	built[abs] = p
	return p
}

// Run runs main with args, stdin as its standard input, in UTC with an
// English locale (Java formats dates and numbers by the JVM's defaults), and
// returns its standard output. A non-zero exit fails the test with the
// program's standard error.
func (p *Program) Run(t testing.TB, main string, stdin []byte, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var stdout bytes.Buffer
	cmd := exec.CommandContext(ctx, "java", append(p.JavaArgs(main), args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Stdout = &stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("javaoracle: java %s: %v\n%s", main, err, tail(stderr.Bytes()))
	}
	return stdout.Bytes()
}

// JavaArgs returns the arguments of a java command line that runs main on
// the program's class path, for programs a test starts itself (servers).
func (p *Program) JavaArgs(main string) []string {
	return []string{"-Duser.timezone=UTC", "-Duser.language=en", "-Duser.country=US",
		"-Dfile.encoding=UTF-8", "-cp", p.ClassPath, main}
}

func requireTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"java", "javac", "mvn"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CONNECTKIT_INTEGRATION_REQUIRED") == "1" {
				t.Fatalf("javaoracle: %s is required for this differential test: %v", tool, err)
			}
			t.Skipf("javaoracle: %s not found; this differential test needs Java 17+ and Maven", tool)
		}
	}
}

func run(ctx context.Context, dir string, stdin []byte, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w\n%s", name, err, tail(out))
	}
	return nil
}

// tail keeps the last 4 KiB of a program's output, where its error is.
func tail(b []byte) string {
	const keep = 4 << 10
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
