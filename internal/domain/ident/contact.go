package ident

import (
	"math"
	"strconv"
	"strings"
)

// EmailDomains are the RFC 2606 second-level domains reserved for examples.
var EmailDomains = []string{"example.com", "example.net", "example.org"}

// Email returns first.last<n>@domain, lower case, letters only in the
// names; n is the 1-based person number, which makes it unique.
func Email(first, last string, index int64, domain string) string {
	var b strings.Builder
	b.Grow(len(first) + len(last) + 24)
	writeLetters(&b, first)
	b.WriteByte('.')
	writeLetters(&b, last)
	b.WriteString(strconv.FormatInt(index+1, 10))
	b.WriteByte('@')
	b.WriteString(domain)
	return b.String()
}

func writeLetters(b *strings.Builder, s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
}

// EmailIndex returns the 0-based person index an e-mail ends in and its
// domain, or false if it is not of Email's form on a reserved domain.
func EmailIndex(email string) (int64, bool) {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return 0, false
	}
	reserved := false
	for _, d := range EmailDomains {
		reserved = reserved || d == domain
	}
	if !reserved {
		return 0, false
	}
	// Letters and dots, then a number without a leading zero that fits an
	// int64 (as strconv.ParseInt reads it), in one pass.
	start := 0
	for start < len(local) && (local[start] >= 'a' && local[start] <= 'z' || local[start] == '.') {
		start++
	}
	if start == len(local) || local[start] == '0' {
		return 0, false
	}
	n := int64(0)
	for i := start; i < len(local); i++ {
		d := int64(local[i]) - '0'
		if d < 0 || d > 9 || n > (math.MaxInt64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n - 1, true
}

// Phone returns NPA-555-01XX; xx is 00-99.
func Phone(npa string, xx int) string {
	b := make([]byte, 0, 12)
	b = append(b, npa...)
	b = append(b, "-555-01"...)
	return string(appendPad(b, xx, 2))
}

// IsFictionalPhone reports whether p is NPA-555-01XX and returns its NPA.
func IsFictionalPhone(p string) (npa string, ok bool) {
	if len(p) != 12 || p[3] != '-' || p[4:10] != "555-01" {
		return "", false
	}
	if _, ok := digits(p[0:3]); !ok {
		return "", false
	}
	if _, ok := digits(p[10:12]); !ok {
		return "", false
	}
	return p[0:3], true
}
