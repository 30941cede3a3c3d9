// Command oracle is the reference side of berth's differential tests.
//
//	oracle gen -seed S -n N   writes N generated cases, one a line
//	oracle run                reads cases, writes Go's result for each
//
// A case line is CMD \t TYPE \t FIRST \t HTML \t base64(input); a result line
// is EXIT \t base64(stdout) \t base64(stderr). CMD is auth-encode,
// auth-decode, auth-decode-body or json; the result is what the matching
// `berth` subcommand must print.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"strings"

	"berth.invalid/oracle/registry"
	v1 "berth.invalid/oracle/v1"
)

var jsonTypes = map[string]reflect.Type{
	"AuthConfig":          reflect.TypeOf(registry.AuthConfig{}),
	"AuthenticateOKBody":  reflect.TypeOf(registry.AuthenticateOKBody{}),
	"SearchResult":        reflect.TypeOf(registry.SearchResult{}),
	"SearchResults":       reflect.TypeOf(registry.SearchResults{}),
	"DistributionInspect": reflect.TypeOf(registry.DistributionInspect{}),
	"IndexInfo":           reflect.TypeOf(registry.IndexInfo{}),
	"ServiceConfig":       reflect.TypeOf(registry.ServiceConfig{}),
	"Descriptor":          reflect.TypeOf(v1.Descriptor{}),
	"Platform":            reflect.TypeOf(v1.Platform{}),
}

type result struct {
	exit     int
	out, err string
}

func fail(out string, err error) result { return result{1, out, err.Error()} }

func marshal(v interface{}, html bool) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(v); err != nil {
		return "marshal failed: " + err.Error()
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func execute(cmd, typ string, first, html bool, input []byte) result {
	switch cmd {
	case "auth-encode":
		var a registry.AuthConfig
		if err := json.Unmarshal(input, &a); err != nil {
			return fail("", err)
		}
		h, err := registry.EncodeAuthConfig(a)
		if err != nil {
			return fail("", err)
		}
		return result{0, h, ""}
	case "auth-decode", "auth-decode-body":
		var a *registry.AuthConfig
		var err error
		if cmd == "auth-decode" {
			a, err = registry.DecodeAuthConfig(string(input))
		} else {
			a, err = registry.DecodeAuthConfigBody(bytes.NewReader(input))
		}
		out, _ := json.Marshal(a)
		if err != nil {
			return fail(string(out), err)
		}
		return result{0, string(out), ""}
	case "json":
		t, ok := jsonTypes[typ]
		if !ok {
			return result{1, "", "unknown type " + typ}
		}
		v := reflect.New(t).Interface()
		var err error
		if first {
			err = json.NewDecoder(bytes.NewReader(input)).Decode(v)
		} else {
			err = json.Unmarshal(input, v)
		}
		if err != nil {
			return fail("", err)
		}
		return result{0, marshal(v, html), ""}
	}
	return result{2, "", "unknown command " + cmd}
}

func run() error {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 16<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := base64.StdEncoding
	for in.Scan() {
		f := strings.Split(in.Text(), "\t")
		if len(f) != 5 {
			return fmt.Errorf("bad case line %q", in.Text())
		}
		input, err := enc.DecodeString(f[4])
		if err != nil {
			return err
		}
		r := execute(f[0], f[1], f[2] == "1", f[3] == "1", input)
		fmt.Fprintf(out, "%d\t%s\t%s\n", r.exit, enc.EncodeToString([]byte(r.out)),
			enc.EncodeToString([]byte(r.err)))
	}
	return in.Err()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: oracle gen -seed S -n N | oracle run")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ExitOnError)
		seed := fs.Int64("seed", 1, "random seed")
		n := fs.Int("n", 20000, "number of cases")
		fs.Parse(os.Args[2:])
		out := bufio.NewWriter(os.Stdout)
		generate(*seed, *n, out)
		out.Flush()
	case "run":
		if err := run(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown mode", os.Args[1])
		os.Exit(2)
	}
}
