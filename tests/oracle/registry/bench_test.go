package registry

// The Go side of bench/compare: the same operations on the same data as
// bench/berth_bench.cc.

import (
	"encoding/json"
	"fmt"
	"testing"

	v1 "berth.invalid/oracle/v1"
)

func typicalAuthConfig() AuthConfig {
	return AuthConfig{Username: "testuser", Password: "testpassword", ServerAddress: "example.com"}
}

func searchResults100() SearchResults {
	r := SearchResults{Query: "image", NumResults: 100, Results: []SearchResult{}}
	for i := 0; i < 100; i++ {
		r.Results = append(r.Results, SearchResult{
			Name:        fmt.Sprintf("library/image-%d", i),
			Description: fmt.Sprintf("An image for testing number %d with <html> & stuff", i),
			StarCount:   i * 37,
			IsOfficial:  i%3 == 0,
			IsAutomated: i%5 == 0,
		})
	}
	return r
}

func distributionInspect10() DistributionInspect {
	d := DistributionInspect{Platforms: []v1.Platform{}}
	d.Descriptor.MediaType = "application/vnd.oci.image.index.v1+json"
	d.Descriptor.Digest = "sha256:2b7412e6465c3c7fc5bb21d3e6f1917c167358449fecac8176c6e496e5c1f05f"
	d.Descriptor.Size = 7143
	arches := []string{"amd64", "arm", "arm", "arm64", "386", "mips64le", "ppc64le", "riscv64", "s390x", "unknown"}
	variants := []string{"", "v6", "v7", "v8", "", "", "", "", "", ""}
	for i := 0; i < 10; i++ {
		os := "linux"
		if i == 9 {
			os = "unknown"
		}
		d.Platforms = append(d.Platforms, v1.Platform{Architecture: arches[i], OS: os, Variant: variants[i]})
	}
	return d
}

var sink interface{}

func BenchmarkEncodeAuthConfig(b *testing.B) {
	a := typicalAuthConfig()
	for i := 0; i < b.N; i++ {
		sink, _ = EncodeAuthConfig(a)
	}
}

func BenchmarkDecodeAuthConfig(b *testing.B) {
	header, _ := EncodeAuthConfig(typicalAuthConfig())
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sink, _ = DecodeAuthConfig(header)
	}
}

func BenchmarkMarshalSearchResults100(b *testing.B) {
	r := searchResults100()
	for i := 0; i < b.N; i++ {
		sink, _ = json.Marshal(r)
	}
}

func BenchmarkUnmarshalSearchResults100(b *testing.B) {
	data, _ := json.Marshal(searchResults100())
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		var r SearchResults
		if err := json.Unmarshal(data, &r); err != nil {
			b.Fatal(err)
		}
		sink = r
	}
}

func BenchmarkMarshalDistributionInspect10(b *testing.B) {
	d := distributionInspect10()
	for i := 0; i < b.N; i++ {
		sink, _ = json.Marshal(d)
	}
}
