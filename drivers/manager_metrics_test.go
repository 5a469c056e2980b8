package drivers

import (
	"context"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A device reporting a model string that is not UTF-8 (it comes from the device's own
// descriptors) must not make a scrape panic; the bad bytes show as U+FFFD.
func TestManagerMetricsDeviceStringNotUTF8(t *testing.T) {
	m, _, reg := newTestManager(t, nil)
	m.Apply(context.Background(), []Spec{{Name: "a", Driver: "fake", Emulate: true, Options: Options{"model": "A\xff\xfeB"}}})
	want := `
# HELP enrolld_device_info Always 1 for each loaded device; its labels name the device and its model and firmware (for fleet inventories and firmware planning).
# TYPE enrolld_device_info gauge
enrolld_device_info{device="a",driver="fake",firmware="",kind="finger",model="A` + "\uFFFD" + `B"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "enrolld_device_info"); err != nil {
		t.Error(err)
	}
}
