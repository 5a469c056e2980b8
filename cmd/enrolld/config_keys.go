package main

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configType is the type checkKeys walks for the whole file.
var configType = reflect.TypeFor[config]()

// checkKeys walks the YAML tree n against the Go type t and reports every key that
// t does not know, with its line and the nearest known key, so that a technician sees
// "line 4: unknown key "lisen_address" in web (did you mean "listen_address"?)". It
// records the line of every key path it visits in lines ("web.listen_address",
// "devices[1].usb") for the validation messages.
func checkKeys(n *yaml.Node, t reflect.Type, path string, lines map[string]int) []string {
	if n == nil {
		return nil
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yaml.DocumentNode:
		var probs []string
		for _, c := range n.Content {
			probs = append(probs, checkKeys(c, t, path, lines)...)
		}
		return probs
	case yaml.MappingNode:
		if t.Kind() == reflect.Struct {
			return checkStructKeys(n, t, path, lines)
		}
	case yaml.SequenceNode:
		if t.Kind() == reflect.Slice {
			var probs []string
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				lines[p] = c.Line
				probs = append(probs, checkKeys(c, t.Elem(), p, lines)...)
			}
			return probs
		}
	}
	return nil // scalars, maps and type mismatches are left to the decoder
}

// checkStructKeys checks one mapping against the yaml tags of struct type t.
func checkStructKeys(n *yaml.Node, t reflect.Type, path string, lines map[string]int) []string {
	fields := yamlFields(t)
	var probs []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := joinPath(path, k.Value)
		f, ok := fields[k.Value]
		if !ok {
			probs = append(probs, unknownKey(k, path, fields))
			continue
		}
		lines[p] = k.Line
		probs = append(probs, checkKeys(v, f.Type, p, lines)...)
	}
	return probs
}

// unknownKey words the problem for key k, found in the section at path.
func unknownKey(k *yaml.Node, path string, fields map[string]reflect.StructField) string {
	where := "at the top level"
	if path != "" {
		where = "in " + path
	}
	msg := fmt.Sprintf("line %d: unknown key %q %s", k.Line, k.Value, where)
	if near := nearest(k.Value, fields); near != "" {
		return msg + fmt.Sprintf(" (did you mean %q?)", near)
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return msg + " (known keys: " + strings.Join(names, ", ") + ")"
}

// yamlFields maps the yaml key of each exported field of struct t to the field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	m := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = f
	}
	return m
}

// nearest returns the known key closest to key when it is close enough to be a typo.
func nearest(key string, fields map[string]reflect.StructField) string {
	best, bestDist := "", 3
	for name := range fields {
		d := editDistance(strings.ToLower(key), name)
		if d < bestDist || (d == bestDist && best != "" && name < best) {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist > len(best)/2 {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
