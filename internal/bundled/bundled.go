// Package bundled is kept only so that code written against it before the
// public package existed still builds; use
// github.com/connectkit/connectkit/worker/bundled.
package bundled

import (
	pub "github.com/connectkit/connectkit/worker/bundled"

	"github.com/connectkit/connectkit/worker"
)

// Plugins returns the bundled connectors: see the public package.
func Plugins() []worker.Plugin { return pub.Plugins() }

// Registry returns a registry holding the bundled connectors: see the
// public package.
func Registry() *worker.Registry { return pub.Registry() }
