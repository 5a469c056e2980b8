package serial

import (
	"errors"
	"testing"
	"time"
)

func openPair(t *testing.T) (*Pty, *Conn) {
	t.Helper()
	pty, err := OpenPty()
	if err != nil {
		t.Skipf("no pseudo-terminals on this machine: %v", err)
	}
	t.Cleanup(func() { pty.Close() })
	c, err := Open(pty.SlavePath(), &Options{BaudRate: 19200, ReadTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return pty, c
}

func TestRoundTrip(t *testing.T) {
	pty, c := openPair(t)
	if _, err := pty.Master().Write([]byte("hello\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if n, err := ReadFull(c, buf, time.Second); err != nil || string(buf[:n]) != "hello\r\n" {
		t.Fatalf("ReadFull = %q, %v; want raw bytes unchanged", buf[:n], err)
	}
	if _, err := c.Write([]byte{0x00, 0x80, 0xff, '\n'}); err != nil {
		t.Fatal(err)
	}
	pty.Master().SetReadDeadline(time.Now().Add(time.Second))
	got := make([]byte, 8)
	n, err := pty.Master().Read(got)
	if err != nil || string(got[:n]) != "\x00\x80\xff\n" {
		t.Fatalf("master read %x, %v", got[:n], err)
	}
}

func TestBaudRateVisibleToPty(t *testing.T) {
	pty, c := openPair(t)
	for _, want := range []int{19200, 38400, 9600, 115200} {
		if want != 19200 {
			if err := c.SetBaudRate(want); err != nil {
				t.Fatal(err)
			}
		}
		got, err := pty.BaudRate()
		if err != nil || got != want || c.BaudRate() != want {
			t.Errorf("baud: pty sees %d (%v), port says %d; want %d", got, err, c.BaudRate(), want)
		}
	}
}

func TestTimeoutFlushAndErrors(t *testing.T) {
	pty, c := openPair(t)
	buf := make([]byte, 4)
	if _, err := c.Read(buf); !errors.Is(err, ErrTimeout) {
		t.Fatalf("idle read: %v, want ErrTimeout", err)
	}
	if n, err := ReadFull(c, buf, 80*time.Millisecond); !errors.Is(err, ErrTimeout) || n != 0 {
		t.Fatalf("ReadFull on silence: %d, %v", n, err)
	}
	pty.Master().Write([]byte("stale"))
	time.Sleep(20 * time.Millisecond)
	if err := c.ResetInput(); err != nil {
		t.Fatal(err)
	}
	pty.Master().Write([]byte("X"))
	if n, err := c.Read(buf); err != nil || string(buf[:n]) != "X" {
		t.Fatalf("after flush read %q, %v; want only the new byte", buf[:n], err)
	}
	if err := c.SetBaudRate(-5); !errors.Is(err, ErrBaudRate) {
		t.Errorf("SetBaudRate(-5) = %v", err)
	}
	pty.Hangup()
	if _, err := c.Read(buf); !errors.Is(err, ErrGone) {
		t.Errorf("read after hang-up: %v, want ErrGone", err)
	}
	c.Close()
	if _, err := c.Read(buf); !errors.Is(err, ErrClosed) {
		t.Errorf("read after close: %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestOpenMissing(t *testing.T) {
	if _, err := Open("/dev/enrolld-no-such-port", nil); err == nil {
		t.Fatal("opening a missing port succeeded")
	}
}

func TestNullModem(t *testing.T) {
	for _, m := range []Mismatch{MismatchGarble, MismatchSilence} {
		n, err := OpenNullModem(m, 1)
		if err != nil {
			t.Skipf("no pseudo-terminals: %v", err)
		}
		a, err := Open(n.PathA(), &Options{BaudRate: 19200, ReadTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Open(n.PathB(), &Options{BaudRate: 19200, ReadTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte("0123456789abcdefghij")
		a.Write(msg)
		got := make([]byte, len(msg))
		if n, err := ReadFull(b, got, time.Second); err != nil || string(got[:n]) != string(msg) {
			t.Fatalf("same rate: %q, %v", got[:n], err)
		}
		b.SetBaudRate(38400)
		a.Write(msg)
		k, err := ReadFull(b, got, 200*time.Millisecond)
		switch {
		case m == MismatchSilence && k != 0:
			t.Errorf("silence mode delivered %x", got[:k])
		case m == MismatchGarble && (k == 0 || k >= len(msg) || string(got[:k]) == string(msg[:k])):
			t.Errorf("garble mode delivered %d bytes %x (%v)", k, got[:k], err)
		}
		n.Cut()
		if _, err := a.Read(got); !errors.Is(err, ErrGone) {
			t.Errorf("read after the cable was cut: %v", err)
		}
		a.Close()
		b.Close()
		if err := n.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}
