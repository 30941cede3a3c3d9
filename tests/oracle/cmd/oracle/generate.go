package main

// The case generator: JSON shaped like the wire types (so most keys hit a
// field) and then bent every way Go's decoder has an opinion about — key
// case and Unicode folding, duplicate keys, nulls, wrong kinds, escapes,
// surrogates, invalid UTF-8, control and HTML characters, number edge
// cases — plus corrupted and truncated base64 for the header.

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand"
	"strings"
)

type kind int

const (
	kString kind = iota
	kInt
	kBool
	kStringList
	kStruct
	kStructList
	kPtrStruct
	kStringMap
	kPtrStructMap
	kCIDRList
	kBytes
)

type field struct {
	name string
	k    kind
	sub  *schema
}

type schema struct{ fields []field }

var (
	authConfigSchema = &schema{[]field{
		{"username", kString, nil}, {"password", kString, nil}, {"auth", kString, nil},
		{"email", kString, nil}, {"serveraddress", kString, nil},
		{"identitytoken", kString, nil}, {"registrytoken", kString, nil}}}
	authOKSchema = &schema{[]field{
		{"IdentityToken", kString, nil}, {"Status", kString, nil}}}
	searchResultSchema = &schema{[]field{
		{"star_count", kInt, nil}, {"is_official", kBool, nil}, {"name", kString, nil},
		{"is_automated", kBool, nil}, {"description", kString, nil}}}
	searchResultsSchema = &schema{[]field{
		{"query", kString, nil}, {"num_results", kInt, nil},
		{"results", kStructList, searchResultSchema}}}
	indexInfoSchema = &schema{[]field{
		{"Name", kString, nil}, {"Mirrors", kStringList, nil}, {"Secure", kBool, nil},
		{"Official", kBool, nil}}}
	serviceConfigSchema = &schema{[]field{
		{"AllowNondistributableArtifactsCIDRs", kCIDRList, nil},
		{"AllowNondistributableArtifactsHostnames", kStringList, nil},
		{"InsecureRegistryCIDRs", kCIDRList, nil},
		{"IndexConfigs", kPtrStructMap, indexInfoSchema},
		{"Mirrors", kStringList, nil}}}
	platformSchema = &schema{[]field{
		{"architecture", kString, nil}, {"os", kString, nil}, {"os.version", kString, nil},
		{"os.features", kStringList, nil}, {"variant", kString, nil}}}
	descriptorSchema = &schema{[]field{
		{"mediaType", kString, nil}, {"digest", kString, nil}, {"size", kInt, nil},
		{"urls", kStringList, nil}, {"annotations", kStringMap, nil}, {"data", kBytes, nil},
		{"platform", kPtrStruct, platformSchema}, {"artifactType", kString, nil}}}
	distributionInspectSchema = &schema{[]field{
		{"Descriptor", kStruct, descriptorSchema}, {"Platforms", kStructList, platformSchema}}}

	typeSchemas = []struct {
		name string
		s    *schema
	}{
		{"AuthConfig", authConfigSchema}, {"AuthenticateOKBody", authOKSchema},
		{"SearchResult", searchResultSchema}, {"SearchResults", searchResultsSchema},
		{"DistributionInspect", distributionInspectSchema}, {"IndexInfo", indexInfoSchema},
		{"ServiceConfig", serviceConfigSchema}, {"Descriptor", descriptorSchema},
		{"Platform", platformSchema},
	}
)

type gen struct {
	r *rand.Rand
	// longStrings makes some strings long enough to span base64 windows.
	longStrings bool
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) pick(list []string) string { return list[g.r.Intn(len(list))] }

func (g *gen) space(b *bytes.Buffer) {
	if g.chance(0.1) {
		for n := g.r.Intn(3) + 1; n > 0; n-- {
			b.WriteByte(" \t\r\n"[g.r.Intn(4)])
		}
	}
}

// Pieces a string body is made of (already in JSON-escaped form where they
// are escapes; raw bytes otherwise).
var stringPieces = []string{
	"a", "Z", "user", "p@ss", "example.com", "docker.io", " ", "/", "?", "=",
	"<", ">", "&", "<script>", "'", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
	"\\u0000", "\\u001f", "\\u007f", "\\u00e9", "\\u2028", "\\u2029", "\\uFFFD", "\\uffff",
	"\\ud83d\\ude00", "\\ud800", "\\udc00", "\\ud800\\u0041", "\\udbff\\udfff", "\\ud800\\ud800",
	"\\u003c", "\\u0026",
	"\u00e9", "\u00ff", "\u4e16\u754c", "\U0001F600", "\u2028", "\u2029", "\u017f", "\u212a",
	"\x7f", "\xff", "\xfe", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\x80",
	"\xef\xbb\xbf",
}

func (g *gen) stringBody() string {
	var b strings.Builder
	n := g.r.Intn(6)
	if g.longStrings && g.chance(0.3) {
		n = 200 + g.r.Intn(800)
	}
	for i := 0; i < n; i++ {
		if g.chance(0.5) {
			b.WriteByte(byte('a' + g.r.Intn(26)))
		} else {
			b.WriteString(g.pick(stringPieces))
		}
	}
	return b.String()
}

func (g *gen) str(b *bytes.Buffer) {
	b.WriteByte('"')
	b.WriteString(g.stringBody())
	b.WriteByte('"')
}

var numbers = []string{
	"0", "-0", "1", "42", "-17", "255", "256", "-1", "1.5", "1.0", "1e3", "1E+2", "2e-1",
	"0.0", "-0.5", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"-9223372036854775809", "18446744073709551615", "123456789012345678901234567890",
	"100", "7",
}

var cidrs = []string{
	"10.0.0.0/8", "127.0.0.1/8", "192.168.1.7/24", "0.0.0.0/0", "255.255.255.255/32",
	"2001:db8::1/64", "::/0", "::1/128", "fe80::1/10", "::ffff:1.2.3.4/120",
	"::ffff:1.2.3.4/96", "::1.2.3.4/128", "1:0:0:1:0:0:0:1/128", "1:2:3:4:5:6:7::/128",
	"1.2.3.4/33", "1.2.3.4", "foo", "fe80::1%eth0/64", "01.2.3.4/8", "[fe80::]/64",
	"1.2.3.4/024", "1.2.3.4/-1", "1.2.3.4/", "/8", "", "::ffff:256.1.1.1/120",
	"1::2::3/64", "00001::/64", "1:2:3:4:5:6:7:8:9/64", "1.2.3/24", "1.2.3.4.5/24",
	"A:B:C:D:E:F:0:1/112", "1.2.3.4/16777216", "1.2.3.4/4294967296",
}

func (g *gen) cidr(b *bytes.Buffer) {
	if g.chance(0.1) {
		g.str(b)
		return
	}
	fmt.Fprintf(b, "%q", g.pick(cidrs))
}

func (g *gen) bytesValue(b *bytes.Buffer) {
	raw := make([]byte, g.r.Intn(12))
	g.r.Read(raw)
	if g.chance(0.3) {
		b.WriteByte('[')
		for i, c := range raw {
			if i > 0 {
				b.WriteByte(',')
			}
			if g.chance(0.1) {
				b.WriteString(g.pick(numbers))
			} else if g.chance(0.05) {
				b.WriteString("null")
			} else {
				fmt.Fprintf(b, "%d", c)
			}
		}
		b.WriteByte(']')
		return
	}
	s := base64.StdEncoding.EncodeToString(raw)
	switch g.r.Intn(8) {
	case 0:
		s = strings.TrimRight(s, "=")
	case 1:
		s = base64.URLEncoding.EncodeToString(raw)
	case 2:
		if len(s) > 2 {
			i := g.r.Intn(len(s))
			s = s[:i] + "\\n" + s[i:]
		}
	case 3:
		s += "=="
	case 4:
		if len(s) > 0 {
			i := g.r.Intn(len(s))
			s = s[:i] + "!" + s[i+1:]
		}
	}
	b.WriteString("\"" + s + "\"")
}

// A value of the wrong kind, or a random JSON value.
func (g *gen) anyValue(b *bytes.Buffer, depth int) {
	switch g.r.Intn(7) {
	case 0:
		g.str(b)
	case 1:
		b.WriteString(g.pick(numbers))
	case 2:
		b.WriteString(g.pick([]string{"true", "false"}))
	case 3:
		b.WriteString("null")
	case 4:
		b.WriteByte('[')
		if depth < 3 {
			for i, n := 0, g.r.Intn(3); i < n; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				g.anyValue(b, depth+1)
			}
		}
		b.WriteByte(']')
	default:
		b.WriteByte('{')
		if depth < 3 {
			for i, n := 0, g.r.Intn(3); i < n; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				g.str(b)
				b.WriteByte(':')
				g.anyValue(b, depth+1)
			}
		}
		b.WriteByte('}')
	}
}

func (g *gen) list(b *bytes.Buffer, elem func()) {
	b.WriteByte('[')
	g.space(b)
	n := g.r.Intn(5)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
			g.space(b)
		}
		if g.chance(0.08) {
			b.WriteString("null")
		} else {
			elem()
		}
		g.space(b)
	}
	b.WriteByte(']')
}

func (g *gen) value(b *bytes.Buffer, f field, depth int) {
	if g.chance(0.06) {
		b.WriteString("null")
		return
	}
	if g.chance(0.06) {
		g.anyValue(b, depth+1)
		return
	}
	switch f.k {
	case kString:
		g.str(b)
	case kInt:
		if g.chance(0.6) {
			fmt.Fprintf(b, "%d", g.r.Intn(100000)-100)
		} else {
			b.WriteString(g.pick(numbers))
		}
	case kBool:
		b.WriteString(g.pick([]string{"true", "false"}))
	case kStringList:
		g.list(b, func() { g.str(b) })
	case kStruct, kPtrStruct:
		g.object(b, f.sub, depth+1)
	case kStructList:
		g.list(b, func() { g.object(b, f.sub, depth+1) })
	case kStringMap, kPtrStructMap:
		b.WriteByte('{')
		for i, n := 0, g.r.Intn(4); i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			if g.chance(0.3) {
				b.WriteString(g.pick([]string{`"a"`, `"b"`, `"docker.io"`}))
			} else {
				g.str(b)
			}
			b.WriteByte(':')
			if f.k == kStringMap {
				if g.chance(0.1) {
					g.anyValue(b, depth+1)
				} else {
					g.str(b)
				}
			} else if g.chance(0.1) {
				b.WriteString("null")
			} else {
				g.object(b, f.sub, depth+1)
			}
		}
		b.WriteByte('}')
	case kCIDRList:
		g.list(b, func() { g.cidr(b) })
	case kBytes:
		g.bytesValue(b)
	}
}

// How a key may be spelled: exact, other case, Go's Unicode folds, or a
// near miss.
func (g *gen) key(name string) string {
	switch g.r.Intn(20) {
	case 0, 1:
		return strings.ToUpper(name)
	case 2, 3:
		var b strings.Builder
		for _, c := range name {
			if g.chance(0.5) {
				b.WriteString(strings.ToUpper(string(c)))
			} else {
				b.WriteString(strings.ToLower(string(c)))
			}
		}
		return b.String()
	case 4:
		s := strings.Replace(name, "s", "\u017f", 1)
		s = strings.Replace(s, "S", "\u017f", 1)
		return strings.Replace(s, "k", "\u212a", 1)
	case 5:
		return name + "x"
	case 6:
		if len(name) > 1 {
			return name[1:]
		}
	case 7:
		return strings.Replace(name, "a", "\\u0061", 1)
	}
	return name
}

func (g *gen) object(b *bytes.Buffer, s *schema, depth int) {
	if depth > 4 {
		b.WriteString("{}")
		return
	}
	b.WriteByte('{')
	g.space(b)
	n := g.r.Intn(len(s.fields) + 3)
	var last *field
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
			g.space(b)
		}
		var f field
		switch {
		case last != nil && g.chance(0.15):
			f = *last // a duplicate key straight after
		case g.chance(0.08):
			b.WriteByte('"')
			b.WriteString(g.stringBody())
			b.WriteString("\":")
			g.anyValue(b, depth+1)
			continue
		default:
			f = s.fields[g.r.Intn(len(s.fields))]
		}
		last = &f
		b.WriteByte('"')
		b.WriteString(g.key(f.name))
		b.WriteByte('"')
		g.space(b)
		b.WriteByte(':')
		g.space(b)
		g.value(b, f, depth)
		g.space(b)
	}
	b.WriteByte('}')
}

// Damage to a JSON text: the decoder's error paths.
func (g *gen) mangleJSON(in []byte) []byte {
	if !g.chance(0.3) {
		return in
	}
	b := append([]byte(nil), in...)
	switch g.r.Intn(9) {
	case 0:
		if len(b) > 0 {
			b = b[:g.r.Intn(len(b))]
		}
	case 1:
		if len(b) > 0 {
			b[g.r.Intn(len(b))] = byte(g.r.Intn(256))
		}
	case 2:
		i := g.r.Intn(len(b) + 1)
		c := []byte(g.pick([]string{",", "}", "]", ":", "\"", "\\", "x", "\x00", "\n", "-", "0", "[", "{", "\xff"}))
		b = append(b[:i], append(c, b[i:]...)...)
	case 3:
		b = append(b, []byte(g.pick([]string{" ", "\n", "x", "{}", " {\"username\":\"z\"}", "]", "  ,"}))...)
	case 4:
		b = append([]byte(g.pick([]string{" ", "\t\n", "x", "[", "\xef\xbb\xbf"})), b...)
	case 5:
		b = []byte(g.pick([]string{"", " ", "null", "[]", "{}", "\"s\"", "123", "true", "1e5", "nul", "tr", "-", "[1,]", "{\"a\":}", "\"\\u12\"", "0123"}))
	case 6:
		depth := 1 + g.r.Intn(10010)
		b = []byte(strings.Repeat("[", depth) + strings.Repeat("]", g.r.Intn(depth+1)))
	case 7:
		b = append([]byte("["), append(b, ']')...)
	case 8:
		b = append(b, b...)
	}
	return b
}

// Damage to a base64 text: the header decoder's error paths.
func (g *gen) mangleHeader(json []byte) string {
	s := base64.URLEncoding.EncodeToString(json)
	for n := g.r.Intn(3); n > 0; n-- {
		switch g.r.Intn(12) {
		case 0:
			s = strings.TrimRight(s, "=")
		case 1:
			s = base64.StdEncoding.EncodeToString(json)
		case 2, 3:
			for k := g.r.Intn(6) + 1; k > 0; k-- {
				i := g.r.Intn(len(s) + 1)
				s = s[:i] + g.pick([]string{"\n", "\r\n", "\r", "\n\n\n"}) + s[i:]
			}
		case 4:
			i := g.r.Intn(len(s) + 1)
			s = s[:i] + g.pick([]string{" ", "\t", "+", "/", "=", "!", "\x00", "\xff", "==", "."}) + s[i:]
		case 5:
			if len(s) > 0 {
				s = s[:g.r.Intn(len(s))]
			}
		case 6:
			s += g.pick([]string{" ", "garbage", "=", "e30=", "\n", "!", "=="})
		case 7:
			s = g.pick([]string{" ", "\t"}) + s
		case 8:
			s = g.pick([]string{"", "\n", "\r\n", "====", "!!!!", "e30", "e30=e30=", "bnVsbA==", "W10=", "ImFiYyI=", "IA", "IA==", "MTIz", "MTIz!", "MTIzNA", "dHI="})
		case 9:
			if len(s) > 0 {
				i := g.r.Intn(len(s))
				s = s[:i] + string("ABCxyz019-_+/="[g.r.Intn(14)]) + s[i+1:]
			}
		}
	}
	return s
}

func generate(seed int64, n int, out *bufio.Writer) {
	g := &gen{r: rand.New(rand.NewSource(seed))}
	enc := base64.StdEncoding
	for i := 0; i < n; i++ {
		g.longStrings = g.chance(0.05)
		var b bytes.Buffer
		cmd, typ, first, html := "json", "-", "0", "0"
		var input []byte
		switch r := g.r.Intn(100); {
		case r < 15:
			cmd = "auth-encode"
			g.object(&b, authConfigSchema, 0)
			input = g.mangleJSON(b.Bytes())
		case r < 45:
			cmd = "auth-decode"
			g.object(&b, authConfigSchema, 0)
			input = []byte(g.mangleHeader(g.mangleJSON(b.Bytes())))
		case r < 60:
			cmd = "auth-decode-body"
			g.object(&b, authConfigSchema, 0)
			input = g.mangleJSON(b.Bytes())
		default:
			t := typeSchemas[g.r.Intn(len(typeSchemas))]
			typ = t.name
			if g.chance(0.3) {
				first = "1"
			}
			if g.chance(0.3) {
				html = "1"
			}
			g.object(&b, t.s, 0)
			input = g.mangleJSON(b.Bytes())
		}
		fmt.Fprintf(out, "%s\t%s\t%s\t%s\t%s\n", cmd, typ, first, html, enc.EncodeToString(input))
	}
}
