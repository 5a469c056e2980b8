#!/usr/bin/env bash
# Runs the demo: a local reference centre (enroll-central) and the station daemon on
# emulated devices. Called by `make demo` after the build; state goes to $DEMO_DIR.
set -euo pipefail
DEMO_DIR=${DEMO_DIR:-./out/demo}
DEMO_ADDR=${DEMO_ADDR:-127.0.0.1:9464}
install -d -m 0700 "$DEMO_DIR"
if [ ! -f "$DEMO_DIR/centre/ca.crt" ]; then
	./bin/enroll-central init --dir "$DEMO_DIR/centre" --hosts 127.0.0.1,localhost
fi
if [ ! -f "$DEMO_DIR/station/station.crt" ]; then
	./bin/enrollctl keys init --dir "$DEMO_DIR/station" --station-id demo-01 --centre-dir "$DEMO_DIR/centre"
fi
./bin/enroll-central serve --dir "$DEMO_DIR/centre" --web.listen-address 127.0.0.1:9443 \
	--admin.listen-address 127.0.0.1:9480 --slice.synthetic 2000 --log.level warn &
central=$!
trap 'kill $central 2>/dev/null; wait $central 2>/dev/null' EXIT
echo "enroll-central (reference centre): https://127.0.0.1:9443, admin view http://127.0.0.1:9480/admin"
echo "enrolld demo: http://$DEMO_ADDR/  (state in $DEMO_DIR; Ctrl-C stops both)"
echo "enrollment desk: http://$DEMO_ADDR/desk/  (sign in with the demo accounts printed below)"
./bin/enrolld --config.file configs/demo.yaml --storage.path "$DEMO_DIR/state" --web.listen-address "$DEMO_ADDR"
