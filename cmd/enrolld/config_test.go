package main

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const goodConfig = `
station:
  id: ber-01
  name: Berlin counter 1
web:
  listen_address: ":9464"
storage:
  path: /var/lib/enrolld
log:
  level: debug
  format: logfmt
devices:
  - name: finger
    driver: uru4000
    usb: "05ba:000a"
    options:
      dpi: 500
  - driver: isdv4
    port: /dev/ttyS0
  - driver: ptp
    emulate: true
`

func TestParseConfigGood(t *testing.T) {
	cfg, err := parseConfig([]byte(goodConfig), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Station.ID != "ber-01" || cfg.Web.ListenAddress != ":9464" || cfg.Log.Format != "logfmt" {
		t.Errorf("decoded %+v", cfg)
	}
	if len(cfg.Devices) != 3 || cfg.Devices[1].Name != "isdv4" || !cfg.Devices[2].Emulate {
		t.Errorf("devices %+v; want 3 with names defaulting to the driver", cfg.Devices)
	}
	if cfg.Devices[0].Options["dpi"] != "500" {
		t.Errorf("options %v: a number must decode as the string 500", cfg.Devices[0].Options)
	}
}

func TestParseConfigDefaults(t *testing.T) {
	cfg, err := parseConfig([]byte("station: {id: s1}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Web.ListenAddress != defaultListenAddress || cfg.Storage.Path != defaultStoragePath ||
		cfg.Log.Level != "info" || len(cfg.Devices) != 0 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

// TestParseConfigProblems checks that each kind of mistake yields a message naming
// the key and, where the file has it, its line.
func TestParseConfigProblems(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"misspelt key", "station: {id: s1}\nweb:\n  lisen_address: :9464\n",
			[]string{`line 3: unknown key "lisen_address" in web (did you mean "listen_address"?)`}},
		{"unknown section", "station: {id: s1}\nmatchr:\n  threshold: 3\n",
			[]string{`line 2: unknown key "matchr" at the top level`}},
		{"unknown device key", "station: {id: s1}\ndevices:\n  - driver: ptp\n    emulated: true\n",
			[]string{`line 4: unknown key "emulated" in devices[0] (did you mean "emulate"?)`}},
		{"far-off key lists known ones", "station: {id: s1}\nlog: {colour: red}\n",
			[]string{`unknown key "colour" in log (known keys: format, level)`}},
		{"wrong type", "station: {id: s1}\ndevices:\n  - driver: ptp\n    emulate: maybe\n",
			[]string{"line 4: cannot unmarshal !!str `maybe` into bool"}},
		{"syntax", "station: {id: s1\n", []string{"line"}},
		{"two documents", "station: {id: s1}\n---\nstation: {id: s2}\n", []string{"only one YAML document"}},
		{"empty file", "", []string{"station.id: is required"}},
		{"missing id", "web: {listen_address: ':9464'}\n", []string{"station.id: is required"}},
		{"bad id", "station: {id: Berlin 1}\n", []string{`line 1: station.id: "Berlin 1" must be lower-case`}},
		{"bad address", "station: {id: s1}\nweb: {listen_address: '9464'}\n",
			[]string{`line 2: web.listen_address: "9464" is not host:port`}},
		{"port zero", "station: {id: s1}\nweb: {listen_address: ':0'}\n", []string{"port 0 picks a random port"}},
		{"bad port", "station: {id: s1}\nweb: {listen_address: ':99999'}\n", []string{`port "99999" is not a number`}},
		{"bad host", "station: {id: s1}\nweb: {listen_address: 'example.org:80'}\n", []string{"is not an IP address"}},
		{"bad level", "station: {id: s1}\nlog: {level: verbose}\n", []string{`line 2: log.level: "verbose" is not one of`}},
		{"bad format", "station: {id: s1}\nlog: {format: xml}\n", []string{`log.format: "xml" is not one of`}},
		{"no driver", "station: {id: s1}\ndevices:\n  - name: x\n", []string{"devices[0].driver: is required"}},
		{"bad usb", "station: {id: s1}\ndevices:\n  - driver: uru4000\n    usb: 5ba:a\n",
			[]string{`line 4: devices[0].usb: "5ba:a" is not a USB vendor:product id`}},
		{"usb and port", "station: {id: s1}\ndevices:\n  - {driver: d, usb: '05ba:000a', port: /dev/ttyS0}\n",
			[]string{"either USB (usb:) or serial (port:)"}},
		{"emulate with port", "station: {id: s1}\ndevices:\n  - {driver: d, emulate: true, port: /dev/ttyS0}\n",
			[]string{"an emulated device has no usb or port"}},
		{"duplicate names", "station: {id: s1}\ndevices:\n  - driver: ptp\n  - driver: ptp\n",
			[]string{`line 4: devices[1].name: "ptp" is already the name of devices[0]`}},
		{"bad name", "station: {id: s1}\ndevices:\n  - {driver: ptp, name: My Camera}\n",
			[]string{`devices[0].name: "My Camera" must be`}},
		{"several at once", "station: {id: S}\nlog: {level: loud}\n",
			[]string{"station.id", "log.level"}},
		{"unknown key and bad value", "station: {id: s1}\nweb: {listen-address: x}\nlog: {level: loud}\n",
			[]string{`line 2: unknown key "listen-address" in web`, `line 3: log.level: "loud"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig([]byte(tt.yaml), nil)
			var ce *configError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *configError", err)
			}
			all := strings.Join(ce.Problems, "\n")
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("problems:\n%s\nwant one containing %q", all, w)
				}
			}
		})
	}
}

func TestFlagsOverrideConfig(t *testing.T) {
	f, err := parseFlags([]string{"--log.level=loud", "--web.listen-address=127.0.0.1:1234"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = parseConfig([]byte("station: {id: s1}\nlog: {level: info}\n"), f)
	if err == nil || !strings.Contains(err.Error(), `log.level (from --log.level): "loud"`) {
		t.Errorf("err = %v, want the problem attributed to the flag", err)
	}
	f.logLevel = "debug"
	cfg, err := parseConfig([]byte("station: {id: s1}\nlog: {level: info}\n"), f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Log.Level != "debug" || cfg.Web.ListenAddress != "127.0.0.1:1234" {
		t.Errorf("flags did not override: %+v", cfg)
	}
}

// TestEverySectionValidates keeps the promise that adding a section is one field:
// every field of config must have a yaml key and a validate method.
func TestEverySectionValidates(t *testing.T) {
	v := reflect.ValueOf(config{})
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if yamlKey(f) == "" {
			t.Errorf("config.%s has no yaml key", f.Name)
		}
		if _, ok := v.Field(i).Interface().(section); !ok {
			t.Errorf("config.%s (%s) has no validate(*problems) method", f.Name, f.Type)
		}
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"listen_address", "lisen_address", 1},
		{"kitten", "sitting", 3}, {"emulate", "emulated", 1},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
