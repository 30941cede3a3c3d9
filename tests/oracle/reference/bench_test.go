package main

import (
	"testing"

	"github.com/docker/distribution/reference"
)

var sink interface{}

// The Go side of bench/compare's BM_ParseNormalizedNamed.
func BenchmarkParseNormalizedNamed(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sink, _ = reference.ParseNormalizedNamed("ubuntu:22.04")
	}
}
