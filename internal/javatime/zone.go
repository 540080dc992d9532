package javatime

import (
	"fmt"
	"strings"
	"time"
)

// Zone is a java.time ZoneId: a fixed offset (Java's ZoneOffset, written Z
// or +01:00) or a region (Europe/Paris; UTC, GMT and UT, alone or with an
// offset such as UTC+01:00, are regions too, of fixed rules).
type Zone struct {
	id     string
	fixed  bool // a ZoneOffset
	offset int  // seconds east of UTC, for a ZoneOffset
	loc    *time.Location
}

// ParseZone reads a zone ID as ZoneId.of does.
func ParseZone(id string) (*Zone, error) {
	switch {
	case id == "Z":
		return offsetZone(0), nil
	case strings.HasPrefix(id, "+") || strings.HasPrefix(id, "-"):
		secs, err := parseOffsetID(id)
		if err != nil {
			return nil, err
		}
		return offsetZone(secs), nil
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if id == prefix {
			return &Zone{id: id, loc: time.FixedZone(id, 0)}, nil
		}
		if rest, ok := strings.CutPrefix(id, prefix); ok && (rest[0] == '+' || rest[0] == '-') {
			secs, err := parseOffsetID(rest)
			if err != nil {
				return nil, err
			}
			name := prefix + offsetID(secs)
			if secs == 0 {
				name = prefix
			}
			return &Zone{id: name, loc: time.FixedZone(name, secs)}, nil
		}
	}
	if id == "" || id == "Local" || strings.ContainsAny(id, " \\") {
		return nil, fmt.Errorf("javatime: invalid zone ID %q", id)
	}
	loc, err := time.LoadLocation(id)
	if err != nil {
		return nil, fmt.Errorf("javatime: unknown zone ID %q", id)
	}
	return &Zone{id: id, loc: loc}, nil
}

// MustParseZone is ParseZone for IDs known to be valid; it panics
// otherwise.
func MustParseZone(id string) *Zone {
	z, err := ParseZone(id)
	if err != nil {
		panic(err)
	}
	return z
}

func offsetZone(secs int) *Zone {
	id := offsetID(secs)
	return &Zone{id: id, fixed: true, offset: secs, loc: time.FixedZone(id, secs)}
}

// parseOffsetID reads ZoneOffset.of's forms: ±h, ±hh, ±hh:mm, ±hhmm,
// ±hh:mm:ss, ±hhmmss, within ±18:00.
func parseOffsetID(s string) (int, error) {
	bad := fmt.Errorf("javatime: invalid ID for ZoneOffset, invalid format: %s", s)
	if len(s) < 2 || s[0] != '+' && s[0] != '-' {
		return 0, bad
	}
	num := func(t string) (int, bool) {
		if len(t) != 2 || !isDigit(t[0]) || !isDigit(t[1]) {
			return 0, false
		}
		return int(t[0]-'0')*10 + int(t[1]-'0'), true
	}
	body := s[1:]
	var h, m, sec int
	ok := true
	switch len(body) {
	case 1:
		if !isDigit(body[0]) {
			return 0, bad
		}
		h = int(body[0] - '0')
	case 2:
		h, ok = num(body)
	case 4:
		var ok2 bool
		h, ok = num(body[:2])
		m, ok2 = num(body[2:])
		ok = ok && ok2
	case 5:
		var ok2 bool
		h, ok = num(body[:2])
		m, ok2 = num(body[3:])
		ok = ok && ok2 && body[2] == ':'
	case 6:
		var ok2, ok3 bool
		h, ok = num(body[:2])
		m, ok2 = num(body[2:4])
		sec, ok3 = num(body[4:])
		ok = ok && ok2 && ok3
	case 8:
		var ok2, ok3 bool
		h, ok = num(body[:2])
		m, ok2 = num(body[3:5])
		sec, ok3 = num(body[6:])
		ok = ok && ok2 && ok3 && body[2] == ':' && body[5] == ':'
	default:
		return 0, bad
	}
	if !ok {
		return 0, bad
	}
	if h > 18 || m > 59 || sec > 59 || h == 18 && (m > 0 || sec > 0) {
		return 0, fmt.Errorf("javatime: zone offset %s out of range: ±18:00 at most", s)
	}
	total := h*3600 + m*60 + sec
	if s[0] == '-' {
		total = -total
	}
	return total, nil
}

// String returns the zone's ID, as ZoneId.getId gives it.
func (z *Zone) String() string { return z.id }

// Location returns the zone as a time.Location.
func (z *Zone) Location() *time.Location { return z.loc }

// Fixed reports whether the zone is a fixed offset (a Java ZoneOffset),
// and which.
func (z *Zone) Fixed() (offsetSeconds int, ok bool) { return z.offset, z.fixed }
