package api

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestClientGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case PathStatus:
			w.Write([]byte(`{"station":{"id":"s1"},"ready":true,"devices":{"loaded":2}}`))
		case PathDevices:
			w.Write([]byte(`{"devices":[{"name":"finger","state":"failed","reason":"x"}]}`))
		case "/json-error":
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"error":"storage is locked"}`))
		case "/text-error":
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte("go away\n"))
		case "/not-json":
			w.Write([]byte("<html>"))
		}
	}))
	defer srv.Close()
	c := &Client{BaseURL: srv.URL + "/"}
	ctx := context.Background()

	st, err := c.Status(ctx)
	if err != nil || st.Station.ID != "s1" || !st.Ready || st.Devices["loaded"] != 2 {
		t.Errorf("Status = %+v, %v", st, err)
	}
	devs, err := c.Devices(ctx)
	if err != nil || len(devs.Devices) != 1 || devs.Devices[0].Reason != "x" {
		t.Errorf("Devices = %+v, %v", devs, err)
	}
	tests := []struct {
		path, want string
		daemon     bool
	}{
		{"/json-error", "503 Service Unavailable: storage is locked", true},
		{"/text-error", "403 Forbidden: go away", true},
		{"/not-json", "not the expected JSON", false},
	}
	for _, tt := range tests {
		var v map[string]any
		err := c.Get(ctx, tt.path, &v)
		if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrDaemon) != tt.daemon {
			t.Errorf("Get(%s) = %v; want an error with %q (ErrDaemon: %v)", tt.path, err, tt.want, tt.daemon)
		}
	}
	srv.Close()
	if _, err := c.Status(ctx); err == nil || !strings.Contains(err.Error(), "is enrolld running at") {
		t.Errorf("Status with the daemon gone = %v", err)
	}
}
