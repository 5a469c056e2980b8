package audit

import "encoding/json"

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func jsonLine(e Entry) string {
	b, _ := json.Marshal(e)
	return string(b) + "\n"
}
