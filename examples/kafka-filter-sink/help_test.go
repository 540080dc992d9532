package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectkit/connectkit/internal/logs"
)

func TestHelp(t *testing.T) {
	out := logs.Help(t, "TestHelp", main)
	for _, want := range []string{"kafka-filter-sink runs ", "usage: kafka-filter-sink", "-log.format", "-v\t"} {
		assert.Contains(t, out, want)
	}
}
