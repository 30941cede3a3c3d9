// Command reforacle is the reference side of berth's differential test of
// image references. It is built in GOPATH mode against Debian's
// golang-github-docker-distribution-dev (distribution 2.8.2), whose
// reference.Parse is the grammar; ParseNormalizedNamed and
// ParseAnyReference are restated on top of it as distribution/reference
// v0.5.0 (the version the Engine vendors) has them, since 2.8.2 differs
// there: an upper-case first component is a registry in v0.5.0, and its
// lower-case error names the repository. 2.8.2 also lacks v0.5.0's IPv6
// registry hosts ("[::1]:5000/app"), so the generator never writes brackets;
// the unit tests cover those from the spec's vectors.
//
//	reforacle gen -seed S -n N   writes N cases: MODE \t base64(input)
//	reforacle run                reads cases, writes EXIT \t base64(stdout) \t base64(stderr)
//
// MODE is normalized, any or strict; stdout is what `berth ref` prints.
package main

import (
	"bufio"
	_ "crypto/sha256" // go-digest needs the algorithms linked, as the Engine has them
	_ "crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"strings"

	"github.com/docker/distribution/reference"
	digest "github.com/opencontainers/go-digest"
)

var anchoredIdentifier = regexp.MustCompile(`^[a-f0-9]{64}$`)

// splitDockerDomain as distribution/reference v0.5.0 has it.
func splitDockerDomain(name string) (domain, remainder string) {
	i := strings.IndexRune(name, '/')
	if i == -1 || (!strings.ContainsAny(name[:i], ".:") && name[:i] != "localhost" && strings.ToLower(name[:i]) == name[:i]) {
		domain, remainder = "docker.io", name
	} else {
		domain, remainder = name[:i], name[i+1:]
	}
	if domain == "index.docker.io" {
		domain = "docker.io"
	}
	if domain == "docker.io" && !strings.ContainsRune(remainder, '/') {
		remainder = "library/" + remainder
	}
	return
}

func parseNormalizedNamed(s string) (reference.Named, error) {
	if anchoredIdentifier.MatchString(s) {
		return nil, fmt.Errorf("invalid repository name (%s), cannot specify 64-byte hexadecimal strings", s)
	}
	domain, remainder := splitDockerDomain(s)
	remote := remainder
	if i := strings.IndexRune(remainder, ':'); i > -1 {
		remote = remainder[:i]
	}
	if strings.ToLower(remote) != remote {
		return nil, fmt.Errorf("invalid reference format: repository name (%s) must be lowercase", remote)
	}
	ref, err := reference.Parse(domain + "/" + remainder)
	if err != nil {
		return nil, err
	}
	named, ok := ref.(reference.Named)
	if !ok {
		return nil, fmt.Errorf("reference %s has no name", ref.String())
	}
	return named, nil
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

type member struct{ key, value string }

func object(members ...member) string {
	var parts []string
	for _, m := range members {
		if m.value != "" {
			parts = append(parts, quote(m.key)+":"+quote(m.value))
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func describe(named reference.Named) string {
	var tag, dgst string
	if t, ok := named.(reference.Tagged); ok {
		tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		dgst = d.Digest().String()
	}
	return object(member{"string", named.String()}, member{"familiar", reference.FamiliarString(named)},
		member{"name", named.Name()}, member{"domain", reference.Domain(named)},
		member{"path", reference.Path(named)}, member{"tag", tag}, member{"digest", dgst})
}

func execute(mode, in string) (int, string, string) {
	var named reference.Named
	var err error
	switch mode {
	case "strict":
		var ref reference.Reference
		ref, err = reference.Parse(in)
		if err == nil {
			named = ref.(reference.Named)
		}
	case "any":
		if anchoredIdentifier.MatchString(in) {
			d := "sha256:" + in
			return 0, object(member{"string", d}, member{"digest", d}), ""
		}
		if d, derr := digest.Parse(in); derr == nil {
			return 0, object(member{"string", d.String()}, member{"digest", d.String()}), ""
		}
		named, err = parseNormalizedNamed(in)
	default:
		named, err = parseNormalizedNamed(in)
	}
	if err != nil {
		return 1, "", err.Error()
	}
	return 0, describe(named), ""
}

func run() error {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := base64.StdEncoding
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		if len(f) != 2 {
			return fmt.Errorf("bad case line %q", in.Text())
		}
		input, err := enc.DecodeString(f[1])
		if err != nil {
			return err
		}
		code, stdout, stderr := execute(f[0], string(input))
		fmt.Fprintf(out, "%d\t%s\t%s\n", code, enc.EncodeToString([]byte(stdout)), enc.EncodeToString([]byte(stderr)))
	}
	return in.Err()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: reforacle gen -seed S -n N | reforacle run")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ExitOnError)
		seed := fs.Int64("seed", 1, "random seed")
		n := fs.Int("n", 20000, "number of cases")
		fs.Parse(os.Args[2:])
		out := bufio.NewWriter(os.Stdout)
		generate(rand.New(rand.NewSource(*seed)), *n, out)
		out.Flush()
	case "run":
		if err := run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		os.Exit(2)
	}
}
