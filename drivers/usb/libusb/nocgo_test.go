//go:build !cgo

package libusb

import (
	"errors"
	"testing"
)

func TestOpenWithoutCgo(t *testing.T) {
	if _, err := Open(nil); !errors.Is(err, ErrNoCgo) {
		t.Errorf("Open = %v, want ErrNoCgo", err)
	}
}
