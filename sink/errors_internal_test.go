package sink

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectkit/connectkit/connect"
)

func TestErrorClassNamesTheOutermostTypedError(t *testing.T) {
	data := &connect.DataError{Op: "convert value", Err: errors.New("bad json")}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{data, "*connect.DataError"},
		{fmt.Errorf("stage: %w", data), "*connect.DataError"},
		{fmt.Errorf("a: %w", fmt.Errorf("b: %w", errors.New("plain"))), "*errors.errorString"},
		{errors.Join(errors.New("x")), "*errors.joinError"},
	} {
		assert.Equal(t, tt.want, errorClass(tt.err), tt.err.Error())
	}
}

func TestErrorChainListsEveryLayer(t *testing.T) {
	err := fmt.Errorf("put: %w", &connect.DataError{Op: "field x", Err: errors.New("too long")})
	assert.Equal(t, "*fmt.wrapError: put: field x: too long\n*connect.DataError: field x: too long\n*errors.errorString: too long\n", errorChain(err))
}
