package rest

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
)

// RootLogger is the name of the logger every other one inherits its level
// from, as in log4j.
const RootLogger = "root"

// LoggerAttr is the record attribute that names a record's logger, for
// [Loggers.Handler]: slog.Default().With(rest.LoggerAttr, "worker.rest").
const LoggerAttr = "logger"

// Loggers holds the levels that GET and PUT /admin/loggers read and set:
// a level for the root logger and for each logger a user named, each a
// [slog.LevelVar]. Logger names are dotted; a logger without a level of its
// own takes its nearest ancestor's, then the root's, as log4j's do. Wrap
// the program's handler with [Loggers.Handler] for the levels to apply.
// Its methods are safe for concurrent use.
type Loggers struct {
	mu     sync.RWMutex
	levels map[string]*logger
	min    slog.LevelVar // lowest level of any logger, for Enabled
}

type logger struct {
	level    slog.LevelVar
	modified *int64 // Unix milliseconds of the last PUT; nil if never
}

// NewLoggers returns loggers whose root logs at root and above.
func NewLoggers(root slog.Level) *Loggers {
	l := &Loggers{levels: map[string]*logger{RootLogger: {}}}
	l.levels[RootLogger].level.Set(root)
	l.min.Set(root)
	return l
}

// LoggerLevel is a logger's level as the REST API shows it.
type LoggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// All returns every logger with a level of its own.
func (l *Loggers) All() map[string]LoggerLevel {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make(map[string]LoggerLevel, len(l.levels))
	for name, lg := range l.levels {
		out[name] = LoggerLevel{Level: levelName(lg.level.Level()), LastModified: lg.modified}
	}
	return out
}

// Get returns the level of a logger that has one of its own, or false.
func (l *Loggers) Get(name string) (LoggerLevel, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	lg, ok := l.levels[name]
	if !ok {
		return LoggerLevel{}, false
	}
	return LoggerLevel{Level: levelName(lg.level.Level()), LastModified: lg.modified}, true
}

// Set gives logger name the level, and its descendants that have levels of
// their own too, as Kafka Connect does. It returns the names changed, sorted.
func (l *Loggers) Set(name string, level slog.Level, now time.Time) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	ms := now.UnixMilli()
	var changed []string
	set := func(n string, lg *logger) {
		lg.level.Set(level)
		lg.modified = &ms
		changed = append(changed, n)
	}
	if _, ok := l.levels[name]; !ok {
		l.levels[name] = &logger{}
	}
	for n, lg := range l.levels {
		if n == name || name == RootLogger || strings.HasPrefix(n, name+".") {
			set(n, lg)
		}
	}
	lowest := slog.Level(math.MaxInt)
	for _, lg := range l.levels {
		lowest = min(lowest, lg.level.Level())
	}
	l.min.Set(lowest)
	slices.Sort(changed)
	return changed
}

// level returns the level that applies to logger name.
func (l *Loggers) level(name string) slog.Level {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for n := name; n != ""; {
		if lg, ok := l.levels[n]; ok {
			return lg.level.Level()
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return l.levels[RootLogger].level.Level()
}

// Handler returns a handler that passes to next the records at or above the
// level of their logger: the [LoggerAttr] attribute of the record or of its
// logger's With, else the root logger.
func (l *Loggers) Handler(next slog.Handler) slog.Handler {
	return &levelHandler{l: l, next: next}
}

type levelHandler struct {
	l    *Loggers
	next slog.Handler
	name string // from WithAttrs
}

func (h *levelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.l.min.Level() && h.next.Enabled(ctx, level)
}

func (h *levelHandler) Handle(ctx context.Context, r slog.Record) error {
	name := h.name
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == LoggerAttr {
			name = a.Value.String()
			return false
		}
		return true
	})
	if r.Level < h.l.level(name) {
		return nil
	}
	return h.next.Handle(ctx, r)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := *h
	for _, a := range attrs {
		if a.Key == LoggerAttr {
			out.name = a.Value.String()
		}
	}
	out.next = h.next.WithAttrs(attrs)
	return &out
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	out := *h
	out.next = h.next.WithGroup(name)
	return &out
}

// The log4j levels, as slog levels. FATAL is above ERROR; OFF above all.
var levelsByName = map[string]slog.Level{
	"ALL":   slog.Level(math.MinInt32),
	"TRACE": slog.LevelDebug - 4,
	"DEBUG": slog.LevelDebug,
	"INFO":  slog.LevelInfo,
	"WARN":  slog.LevelWarn,
	"ERROR": slog.LevelError,
	"FATAL": slog.LevelError + 4,
	"OFF":   slog.Level(math.MaxInt32),
}

// ParseLevel reads a log4j level name, in any case.
func ParseLevel(s string) (slog.Level, bool) {
	l, ok := levelsByName[strings.ToUpper(s)]
	return l, ok
}

// levelName names a slog level as log4j would: the highest log4j level at
// or below it.
func levelName(l slog.Level) string {
	best, bestLevel := "ALL", slog.Level(math.MinInt32)
	for name, lv := range levelsByName {
		if lv <= l && lv >= bestLevel {
			best, bestLevel = name, lv
		}
	}
	return best
}
