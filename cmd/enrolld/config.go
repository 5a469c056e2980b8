package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// config is the daemon's configuration file. Each top-level key is one section, a
// struct field here; adding a section (sync, matcher, desk, firmware, …) is one field
// whose type has a validate method (see config_validate.go). Keys are snake_case, as
// in Prometheus' own configuration.
type config struct {
	Station  stationConfig  `yaml:"station"`
	Web      webConfig      `yaml:"web"`
	Storage  storageConfig  `yaml:"storage"`
	Log      logConfig      `yaml:"log"`
	Devices  deviceList     `yaml:"devices"`
	Firmware firmwareConfig `yaml:"firmware"`
	Sync     syncConfig     `yaml:"sync"`
	Desk     deskConfig     `yaml:"desk"`
	Gallery  galleryConfig  `yaml:"gallery"`
}

// stationConfig names the station.
type stationConfig struct {
	// ID identifies the station to the central system and in metrics (not a person).
	ID string `yaml:"id"`
	// Name is a human-readable label for status pages.
	Name string `yaml:"name"`
}

// webConfig is the HTTP server (API, /metrics, health endpoints).
type webConfig struct {
	ListenAddress string `yaml:"listen_address"`
}

// storageConfig is where the daemon keeps its state.
type storageConfig struct {
	Path string `yaml:"path"`
}

// logConfig sets the log level and format.
type logConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// deviceList is the devices section: the capture devices the station should have.
type deviceList []deviceConfig

// deviceConfig names one device.
type deviceConfig struct {
	// Name is unique within the station; it defaults to the driver's name.
	Name string `yaml:"name"`
	// Driver is the driver's name ("uru4000", "ptp", "isdv4").
	Driver string `yaml:"driver"`
	// USB picks a USB device by "vvvv:pppp"; empty means any device the driver handles.
	USB string `yaml:"usb"`
	// Port is the serial port of a serial device ("/dev/ttyS0").
	Port string `yaml:"port"`
	// Emulate runs the driver's emulator instead of real hardware (demos, tests).
	Emulate bool `yaml:"emulate"`
	// Options are driver-specific settings.
	Options map[string]string `yaml:"options"`
}

// Defaults for settings the file may leave out.
const (
	defaultListenAddress = "127.0.0.1:9464"
	defaultStoragePath   = "/var/lib/enrolld"
	defaultLogLevel      = "info"
)

// configError is a configuration the daemon refuses: the file cannot be read, is not
// YAML, has unknown keys, or fails validation. It makes enrolld exit with status 2.
type configError struct {
	File     string
	Problems []string
}

func (e *configError) Error() string {
	if len(e.Problems) == 1 {
		return fmt.Sprintf("config %s: %s", e.File, e.Problems[0])
	}
	return fmt.Sprintf("config %s has %d problems:\n  %s", e.File, len(e.Problems),
		strings.Join(e.Problems, "\n  "))
}

// loadConfig reads and strictly decodes the configuration file at path, applies the
// command-line flags f (nil for none) over it and validates the result.
func loadConfig(path string, f *flags) (*config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &configError{File: path, Problems: []string{err.Error()}}
	}
	cfg, err := parseConfig(data, f)
	if err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			ce.File = path
		}
		return nil, err
	}
	return cfg, nil
}

// parseConfig decodes data strictly, applies the flags f (nil for none), fills
// defaults and validates the result.
func parseConfig(data []byte, f *flags) (*config, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) {
		return nil, &configError{Problems: yamlProblems(err)}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, &configError{Problems: []string{fmt.Sprintf(
			"line %d: only one YAML document is allowed (found a second after ---)", extra.Line)}}
	}
	// Unknown keys are reported together with the problems of the known ones, so
	// that one run shows everything to fix.
	lines := map[string]int{}
	probs := checkKeys(&root, configType, "", lines)
	cfg := &config{}
	dec = yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(len(probs) == 0) // checkKeys already named the unknown ones
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, &configError{Problems: append(probs, yamlProblems(err)...)}
	}
	origin := map[string]string{}
	if f != nil {
		f.override(cfg, origin)
	}
	cfg.applyDefaults()
	probs = append(probs, cfg.validate(lines, origin)...)
	if len(probs) > 0 {
		sortByLine(probs)
		return nil, &configError{Problems: probs}
	}
	return cfg, nil
}

// yamlProblems turns a YAML syntax or type error into one problem per line.
func yamlProblems(err error) []string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return te.Errors
	}
	return []string{strings.TrimPrefix(err.Error(), "yaml: ")}
}

// applyDefaults fills settings the file left out.
func (c *config) applyDefaults() {
	if c.Web.ListenAddress == "" {
		c.Web.ListenAddress = defaultListenAddress
	}
	if c.Storage.Path == "" {
		c.Storage.Path = defaultStoragePath
	}
	c.Gallery.applyDefaults(c.Storage.Path)
	if c.Log.Level == "" {
		c.Log.Level = defaultLogLevel
	}
	for i := range c.Devices {
		if c.Devices[i].Name == "" {
			c.Devices[i].Name = c.Devices[i].Driver
		}
	}
}

// sortByLine orders problems by the line they name ("line 12: …"); those without a
// line keep their order, after the others.
func sortByLine(probs []string) {
	line := func(p string) int {
		var n int
		if _, err := fmt.Sscanf(p, "line %d:", &n); err != nil {
			return math.MaxInt
		}
		return n
	}
	slices.SortStableFunc(probs, func(a, b string) int { return cmp.Compare(line(a), line(b)) })
}
