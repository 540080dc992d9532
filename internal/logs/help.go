package logs

import (
	"os"
	"os/exec"
	"testing"
)

// helpEnv marks the test process that runs main with -h.
const helpEnv = "CONNECTKIT_LOGS_RUN_MAIN_HELP"

// Help returns what a command's main prints for -h, and fails t unless it
// exits with status 0. The test that calls it runs again as a child process
// that calls main with -h, so no binary is built; call it from a test
// named in run (the -test.run pattern that selects that test).
func Help(t *testing.T, run string, main func()) string {
	t.Helper()
	if os.Getenv(helpEnv) == "1" {
		os.Args = []string{os.Args[0], "-h"}
		main()
		os.Exit(3) // main should have exited
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+run+"$")
	cmd.Env = append(os.Environ(), helpEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("-h: %v\n%s", err, out)
	}
	return string(out)
}
