# enrolld: see README.md. `make demo` runs the daemon on emulated devices;
# `make test` runs the whole suite (what CI runs, through .ci/run).
GO ?= go
export GOFLAGS ?= -buildvcs=false
export GOPROXY ?= https://proxy.golang.org,direct

# Everything but the cgo libusb adapter must build and test without cgo.
NOCGO_PKGS = $$($(GO) list ./... | grep -v /drivers/usb/libusb)
REVISION := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  = -X main.version=$(VERSION) -X main.revision=$(REVISION)
TEST_TIMEOUT ?= 20m

DEMO_DIR  ?= ./out/demo
DEMO_ADDR ?= 127.0.0.1:9464

.PHONY: all deps build test fmt-check vet demo clean

all: build

deps:
	@./.ci/deps.sh

build: deps
	@mkdir -p bin
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/ ./cmd/...

fmt-check:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	CGO_ENABLED=0 $(GO) vet $(NOCGO_PKGS)
	CGO_ENABLED=0 $(GO) build $(NOCGO_PKGS)
	$(GO) vet ./...

test: deps fmt-check vet
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) ./...

demo: build
	DEMO_DIR=$(DEMO_DIR) DEMO_ADDR=$(DEMO_ADDR) ./configs/demo.sh

clean:
	rm -rf bin out
