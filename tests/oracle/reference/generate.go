package main

// References built from the grammar's parts, right and wrong: registries
// with ports and upper case, path components with every separator, tags
// up to and past 128 characters, digests of each algorithm with wrong
// lengths and upper-case hex, image IDs, docker.io spellings, names near the
// 255-character limit, and bytes that do not belong (including non-ASCII
// that Go's ToLower changes, and invalid UTF-8). Never "[" or "]" (see
// main.go).

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"math/rand"
	"strings"
)

type gen struct{ r *rand.Rand }

func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *gen) pick(list []string) string { return list[g.r.Intn(len(list))] }

func (g *gen) alnum(n int, upper bool) string {
	const lower = "abcdefghijklmnopqrstuvwxyz0123456789"
	const mixed = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	set := lower
	if upper {
		set = mixed
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(set[g.r.Intn(len(set))])
	}
	return b.String()
}

var separators = []string{".", "_", "__", "-", "--", "---", "___", "..", "._", "-.", "_-"}
var junk = []string{"$", "^", " ", "!", "#", "%", "+", "=", "\t", "\x00", "A", "Z", "é", "É",
	"\u212a", "\u0130", "\xff", "\xc3", "@", ":", "/", "//", "~", "?", "*", "\\"}

func (g *gen) component(upper bool) string {
	s := g.alnum(1+g.r.Intn(6), upper && g.chance(0.2))
	for n := g.r.Intn(3); n > 0; n-- {
		s += g.pick(separators[:6]) + g.alnum(1+g.r.Intn(5), upper && g.chance(0.1))
	}
	if g.chance(0.05) {
		s = g.pick(separators) + s
	}
	if g.chance(0.05) {
		s += g.pick(separators)
	}
	return s
}

func (g *gen) domain() string {
	switch g.r.Intn(10) {
	case 0:
		return g.pick([]string{"docker.io", "index.docker.io", "localhost", "registry-1.docker.io", "Docker", "DOCKER", "LocalHost"})
	case 1:
		return fmt.Sprintf("%d.%d.%d.%d", g.r.Intn(300), g.r.Intn(256), g.r.Intn(256), g.r.Intn(256))
	case 2:
		return g.alnum(1+g.r.Intn(8), true)
	}
	var parts []string
	for n := 1 + g.r.Intn(3); n > 0; n-- {
		c := g.alnum(1+g.r.Intn(8), g.chance(0.2))
		if g.chance(0.2) {
			c = c[:1] + strings.Repeat("-", 1+g.r.Intn(2)) + c
		}
		if g.chance(0.03) {
			c = "-" + c
		}
		if g.chance(0.03) {
			c += "-"
		}
		parts = append(parts, c)
	}
	d := strings.Join(parts, ".")
	if g.chance(0.3) {
		d += ":" + fmt.Sprint(g.r.Intn(70000))
	}
	if g.chance(0.02) {
		d += ":"
	}
	return d
}

func (g *gen) tag() string {
	const word = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
	const rest = word + ".-"
	n := 1 + g.r.Intn(20)
	if g.chance(0.05) {
		n = 120 + g.r.Intn(20)
	}
	var b strings.Builder
	b.WriteByte(word[g.r.Intn(len(word))])
	if g.chance(0.05) {
		b.Reset()
		b.WriteString(g.pick([]string{".", "-"}))
	}
	for i := 1; i < n; i++ {
		b.WriteByte(rest[g.r.Intn(len(rest))])
	}
	return b.String()
}

func (g *gen) hex(n int, upper bool) string {
	set := "0123456789abcdef"
	if upper {
		set = "0123456789abcdefABCDEF"
	}
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(set[g.r.Intn(len(set))])
	}
	return b.String()
}

func (g *gen) digest() string {
	alg := g.pick([]string{"sha256", "sha256", "sha384", "sha512", "md5", "SHA256", "sha256+b64", "x.y", "a-", "1abc"})
	sizes := map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}
	n, ok := sizes[alg]
	if !ok || g.chance(0.2) {
		n = []int{31, 32, 34, 63, 65, 96, 128}[g.r.Intn(7)]
	}
	d := alg + ":" + g.hex(n, g.chance(0.1))
	if g.chance(0.03) {
		d = alg + ":"
	}
	return d
}

func (g *gen) reference() string {
	switch g.r.Intn(20) {
	case 0:
		return g.hex(64, false) // an image ID
	case 1:
		return g.digest()
	case 2:
		return g.hex(63+g.r.Intn(3), g.chance(0.2))
	case 3:
		return g.pick([]string{"", ":", "@", "/", ":tag", "@sha256:" + g.hex(64, false), "a/", "/a"})
	}
	var b strings.Builder
	if g.chance(0.5) {
		b.WriteString(g.domain())
		b.WriteString("/")
	}
	if g.chance(0.1) {
		b.WriteString("library/")
	}
	n := 1 + g.r.Intn(3)
	if g.chance(0.03) {
		n = 60 + g.r.Intn(70) // around the 255-character limit
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("/")
		}
		b.WriteString(g.component(true))
	}
	if g.chance(0.4) {
		b.WriteString(":" + g.tag())
	}
	if g.chance(0.25) {
		b.WriteString("@" + g.digest())
	}
	s := b.String()
	if g.chance(0.15) && len(s) > 0 { // a byte that does not belong
		i := g.r.Intn(len(s) + 1)
		s = s[:i] + g.pick(junk) + s[i:]
	}
	return s
}

func generate(r *rand.Rand, n int, out *bufio.Writer) {
	g := &gen{r: r}
	modes := []string{"normalized", "normalized", "any", "strict"}
	for i := 0; i < n; i++ {
		ref := g.reference()
		fmt.Fprintf(out, "%s\t%s\n", g.pick(modes), base64.StdEncoding.EncodeToString([]byte(ref)))
	}
}
