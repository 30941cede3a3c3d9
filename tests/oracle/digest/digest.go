// Package digest stands in for github.com/opencontainers/go-digest: only the
// type's name matters here, because Go's JSON errors print it.
package digest

// Digest is "algorithm:hex".
type Digest string
