package registry

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// EncodeAuthConfig: json.Marshal, then base64url with padding.
func EncodeAuthConfig(authConfig AuthConfig) (string, error) {
	buf, err := json.Marshal(authConfig)
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(buf), nil
}

// DecodeAuthConfig: "" is no error; otherwise a base64url stream decoder
// feeds a JSON stream decoder; failures yield an empty AuthConfig.
func DecodeAuthConfig(authEncoded string) (*AuthConfig, error) {
	if authEncoded == "" {
		return &AuthConfig{}, nil
	}
	return decodeFirst(base64.NewDecoder(base64.URLEncoding, strings.NewReader(authEncoded)))
}

// DecodeAuthConfigBody: the same for a request body.
func DecodeAuthConfigBody(body io.Reader) (*AuthConfig, error) {
	return decodeFirst(body)
}

func decodeFirst(r io.Reader) (*AuthConfig, error) {
	config := &AuthConfig{}
	if err := json.NewDecoder(r).Decode(config); err != nil {
		return &AuthConfig{}, fmt.Errorf("invalid X-Registry-Auth header: %w", err)
	}
	return config, nil
}
