# enrolld — see README.md. `make demo` runs the daemon on emulated devices; `make test` runs the suite.
GO ?= go
export GOFLAGS ?= -buildvcs=false
export GOPROXY ?= https://proxy.golang.org,direct

.PHONY: deps test demo build

deps:
	@./.ci/deps.sh

build: deps
	$(GO) build ./...

test: deps
	CGO_ENABLED=0 $(GO) vet $$($(GO) list ./... | grep -v /drivers/usb/libusb)
	$(GO) vet ./...
	$(GO) test -count=1 ./...
