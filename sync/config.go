package sync

import (
	"fmt"
	"net/url"

	"github.com/enrolld/enrolld/sync/outbox"
	"github.com/enrolld/enrolld/sync/pki"
)

// OptionsFromDir builds Options from a station key directory (as made by `enrollctl keys
// init`, with the issued station.crt in place), the outbox data directory and the centre's URL
// (empty: offline, queue only). Tuning fields keep their defaults; set them on the result.
func OptionsFromDir(stationDir, dataDir, centreURL string) (Options, error) {
	s, err := pki.LoadStation(stationDir)
	if err != nil {
		return Options{}, err
	}
	key, err := outbox.LoadKeyFile(s.OutboxKeyFile)
	if err != nil {
		return Options{}, err
	}
	opt := Options{StationID: s.ID, SigningKey: s.Key, Recipient: s.Recipient, CentreKey: s.CentreKey,
		Outbox: outbox.Options{Dir: dataDir, Key: key}, CentreURL: centreURL}
	if centreURL != "" {
		u, err := url.Parse(centreURL)
		if err != nil || u.Scheme != "https" || u.Hostname() == "" {
			return Options{}, fmt.Errorf("sync: centre URL %q must be https://host:port", centreURL)
		}
		opt.TLS = pki.ClientTLS(s.TLS, s.CentreCA, u.Hostname())
	}
	return opt, nil
}
