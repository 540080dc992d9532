package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectkit/connectkit/internal/logs"
)

func TestHelp(t *testing.T) {
	out := logs.Help(t, "TestHelp", main)
	for _, want := range []string{"http-source runs ", "usage: http-source", "-log.format", "-v\t"} {
		assert.Contains(t, out, want)
	}
}
