package desk

import (
	"context"
	"path/filepath"
	"testing"

	stsync "github.com/enrolld/enrolld/sync"
	"github.com/enrolld/enrolld/sync/central"
	"github.com/enrolld/enrolld/sync/synctest"
)

// startStationAndCentre runs a reference centre over mutual TLS on loopback and opens a
// station outbox that uploads to it, so the browser test's enrollment travels the whole way.
func startStationAndCentre(t *testing.T) (*central.Server, *stsync.Station) {
	t.Helper()
	env := synctest.New(t, nil)
	st, err := stsync.Open(env.StationOptions(t, filepath.Join(env.Root, "outbox"), ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close(context.Background()) })
	return env.Centre, st
}
