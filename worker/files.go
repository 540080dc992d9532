package worker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// LoadConfigFile reads a worker or connector configuration file, a Java
// .properties file or a JSON one, and returns its settings.
//
// The content decides the format: a file whose first character other than
// whitespace (or a UTF-8 byte order mark) is '{' or '[' is JSON, as is any
// file named *.json; anything else is read by [ParseProperties]. So a JSON
// file named connector.properties still loads, and a .json file that is not
// a JSON object gets a JSON error rather than being read as properties.
//
// JSON has the two shapes connect-standalone accepts:
//
//   - {"name": "sink", "config": {"connector.class": "...", ...}}, the
//     body of Kafka Connect's POST /connectors. The top-level "name" is
//     copied into the settings as "name"; if the settings have a different
//     "name", that is an error. The fields "tasks" and "type" of a saved
//     GET /connectors/{name} response are ignored, as is "initial_state"
//     when it is RUNNING (the default); other initial states and any other
//     top-level key are errors rather than being dropped.
//   - a flat object of settings, {"name": "sink", "connector.class": ...}.
//
// Values should be strings. Numbers and booleans are taken as Kafka
// Connect's JSON parser takes them, by their text as written: 1000 gives
// "1000", 0.5 gives "0.5", 1e3 gives "1e3", true gives "true". A null, an
// object or an array is an error naming its key: a file cannot say "unset"
// (leave the key out instead), and turning null into "" or "null" would
// quietly change the setting. Every such key is reported at once. A later
// duplicate key wins, as in Kafka Connect.
//
// Whether a connector file has a "name" is left to the caller, which knows
// whether it reads a worker or a connector file.
//
// Errors name the file; malformed text is reported as a [*SyntaxError]
// with its line and byte offset.
func LoadConfigFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("worker: load config: %w", err)
	}
	var config map[string]string
	if isJSONConfig(path, data) {
		config, err = parseJSONConfig(data)
	} else {
		config, err = parseProperties(data)
	}
	if err != nil {
		return nil, fmt.Errorf("worker: config file %s: %w", path, err)
	}
	return config, nil
}

func isJSONConfig(path string, data []byte) bool {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return true
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	data = bytes.TrimLeft(data, " \t\r\n\f")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

// restKeys are the top-level keys of Kafka Connect's REST connector shape
// that parseJSONConfig knows, beside "config" and "name".
const (
	restInitialState = "initial_state"
	restTasks        = "tasks" // read-only fields of GET /connectors/{name}
	restType         = "type"
)

// parseJSONConfig parses a connector or worker configuration in JSON; its
// errors are for the caller to wrap with the file name.
func parseJSONConfig(data []byte) (map[string]string, error) {
	bom := 0
	if bytes.HasPrefix(data, utf8BOM) {
		bom = len(utf8BOM)
		data = data[bom:]
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			return nil, jsonSyntaxError(data, bom, syn.Offset, syn.Error())
		}
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, fmt.Errorf("top level is a JSON %s, want an object of settings", typ.Value)
		}
		return nil, err
	}
	if top == nil { // the text was null
		return nil, errors.New("top level is a JSON null, want an object of settings")
	}

	rawConfig, ok := top["config"]
	if !ok || jsonKind(rawConfig) != "object" {
		config, errs := jsonSettings(top, "")
		if err := joinProblems(errs); err != nil {
			return nil, err
		}
		return config, nil
	}

	// The REST shape: {"name": ..., "config": {...}}.
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(rawConfig, &inner); err != nil {
		return nil, fmt.Errorf("key %q: %w", "config", err) // unreachable: the text was valid
	}
	config, errs := jsonSettings(inner, ` in "config"`)
	var unknown []string
	for key, raw := range top {
		switch key {
		case "config", restTasks, restType:
		case "name":
			name, err := jsonString(raw)
			if err != nil {
				errs = append(errs, fmt.Sprintf("key %q: %v", key, err))
			} else if have, ok := config["name"]; ok && have != name {
				errs = append(errs, fmt.Sprintf("name %q does not match %q, the name in \"config\"", name, have))
			} else {
				config["name"] = name
			}
		case restInitialState:
			state, err := jsonString(raw)
			if err != nil {
				errs = append(errs, fmt.Sprintf("key %q: %v", key, err))
			} else if !strings.EqualFold(state, "RUNNING") {
				errs = append(errs, fmt.Sprintf("%s %q is not supported, only RUNNING", key, state))
			}
		default:
			unknown = append(unknown, key)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		errs = append(errs, fmt.Sprintf("unknown top-level keys %q: settings belong in \"config\"", unknown))
	}
	if err := joinProblems(errs); err != nil {
		return nil, err
	}
	return config, nil
}

// jsonSettings converts a flat JSON object of settings. It returns a
// problem for every value that is not a string, number or boolean, naming
// its key; where says where the object is.
func jsonSettings(obj map[string]json.RawMessage, where string) (map[string]string, []string) {
	config := make(map[string]string, len(obj))
	var errs []string
	for key, raw := range obj {
		value, err := jsonString(raw)
		if err != nil {
			errs = append(errs, fmt.Sprintf("key %q%s: %v", key, where, err))
			continue
		}
		config[key] = value
	}
	return config, errs
}

// joinProblems makes one error of problems, sorted so that the message is
// the same from run to run.
func joinProblems(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	slices.Sort(problems)
	return errors.New(strings.Join(problems, "; "))
}

// jsonString returns a JSON scalar as a setting's value: a string as it
// is, a number or boolean by its text.
func jsonString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch kind := jsonKind(raw); kind {
	case "string":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err // unreachable: the text was valid
		}
		return s, nil
	case "number", "boolean":
		return string(raw), nil
	case "null":
		return "", errors.New("value is null; leave the key out to use its default")
	default:
		return "", fmt.Errorf("value is a JSON %s, want a string, number or boolean", kind)
	}
}

// jsonKind names the kind of a valid JSON value.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	default:
		return "number"
	}
}

// jsonSyntaxError locates a JSON syntax error. offset is encoding/json's:
// the number of bytes read when the error was found, so the offending byte
// is the one before it.
func jsonSyntaxError(data []byte, bom int, offset int64, msg string) *SyntaxError {
	at := int(min(max(offset-1, 0), int64(len(data))))
	line := 1 + bytes.Count(data[:at], []byte{'\n'})
	lineStart := bytes.LastIndexByte(data[:at], '\n') + 1
	col := 1 + utf8.RuneCount(data[lineStart:at])
	return &SyntaxError{Line: line, Column: col, Offset: int64(bom + at), Msg: msg}
}
