package main

import (
	"fmt"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/enrolld/enrolld/drivers/usb"
)

// section is a part of the configuration that checks itself. Every field of config
// must implement it (a test enforces that), so a new section cannot be forgotten.
type section interface {
	validate(p *problems)
}

// problems collects validation messages, each prefixed with the line of the key it
// is about when the file had that key, or the flag that set it.
type problems struct {
	lines  map[string]int
	origin map[string]string // setting path → the flag that set it
	list   []string
}

// addf records a problem with the setting at path ("web.listen_address").
func (p *problems) addf(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if fl, ok := p.origin[path]; ok {
		p.list = append(p.list, fmt.Sprintf("%s (from %s): %s", path, fl, msg))
		return
	}
	if line := p.lineOf(path); line > 0 {
		p.list = append(p.list, fmt.Sprintf("line %d: %s: %s", line, path, msg))
		return
	}
	p.list = append(p.list, fmt.Sprintf("%s: %s", path, msg))
}

// lineOf returns the line of the key at path or, when the file left it out, of the
// nearest enclosing key or list item it has; 0 when it has none.
func (p *problems) lineOf(path string) int {
	for path != "" {
		if line, ok := p.lines[path]; ok {
			return line
		}
		i := strings.LastIndex(path, ".")
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
	return 0
}

// validate checks every section and returns the problems found.
func (c *config) validate(lines map[string]int, origin map[string]string) []string {
	p := &problems{lines: lines, origin: origin}
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		if s, ok := v.Field(i).Interface().(section); ok {
			s.validate(p)
		}
	}
	return p.list
}

var (
	stationIDPattern  = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)
	deviceNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
)

func (s stationConfig) validate(p *problems) {
	switch {
	case s.ID == "":
		p.addf("station.id", "is required: a short name for this station such as \"ber-counter-01\"")
	case !stationIDPattern.MatchString(s.ID):
		p.addf("station.id", "%q must be lower-case letters, digits, '.', '_' or '-' (at most 63), starting with a letter or digit", s.ID)
	}
	if len(s.Name) > 100 {
		p.addf("station.name", "is %d characters long; keep it under 100", len(s.Name))
	}
}

func (w webConfig) validate(p *problems) {
	host, port, err := net.SplitHostPort(w.ListenAddress)
	if err != nil {
		p.addf("web.listen_address", "%q is not host:port such as \"127.0.0.1:9464\" or \":9464\"", w.ListenAddress)
		return
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil {
		p.addf("web.listen_address", "port %q is not a number from 0 to 65535", port)
	} else if n == 0 {
		p.addf("web.listen_address", "port 0 picks a random port; give a fixed one so Prometheus can scrape it")
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		p.addf("web.listen_address", "host %q is not an IP address; use an address of this machine or leave it empty for all", host)
	}
}

func (s storageConfig) validate(p *problems) {
	if s.Path == "" {
		p.addf("storage.path", "is required")
	}
}

var logLevels = map[string]bool{"debug": true, "info": true, "warn": true, "error": true}
var logFormats = map[string]bool{"": true, "json": true, "logfmt": true, "text": true}

func (l logConfig) validate(p *problems) {
	if !logLevels[l.Level] {
		p.addf("log.level", "%q is not one of debug, info, warn, error", l.Level)
	}
	if !logFormats[l.Format] {
		p.addf("log.format", "%q is not one of json, logfmt, text (or leave it out: JSON, or text on a terminal)", l.Format)
	}
}

func (d deviceList) validate(p *problems) {
	seen := map[string]int{}
	for i, dev := range d {
		dev.validate(p, fmt.Sprintf("devices[%d]", i))
		if j, dup := seen[dev.Name]; dup && dev.Name != "" {
			p.addf(fmt.Sprintf("devices[%d].name", i),
				"%q is already the name of devices[%d]; give each device its own name", dev.Name, j)
		}
		seen[dev.Name] = i
	}
}

func (d deviceConfig) validate(p *problems, path string) {
	if d.Driver == "" {
		p.addf(path+".driver", "is required: the driver's name, such as uru4000, ptp or isdv4")
	}
	if d.Name != "" && !deviceNamePattern.MatchString(d.Name) {
		p.addf(path+".name", "%q must be lower-case letters, digits, '_' or '-' (at most 32)", d.Name)
	}
	if d.USB != "" {
		if _, err := usb.ParseID(d.USB); err != nil {
			p.addf(path+".usb", "%q is not a USB vendor:product id like \"05ba:000a\" (see lsusb)", d.USB)
		}
	}
	if d.USB != "" && d.Port != "" {
		p.addf(path+".port", "a device is either USB (usb:) or serial (port:), not both")
	}
	if d.Emulate && (d.USB != "" || d.Port != "") {
		p.addf(path+".emulate", "an emulated device has no usb or port; remove them or set emulate: false")
	}
	if _, ok := d.Options[""]; ok {
		p.addf(path+".options", "has an empty key")
	}
}
