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
	return string(AppendEmail(make([]byte, 0, len(first)+len(last)+24), first, last, index, domain))
}

// AppendEmail appends Email(first, last, index, domain) to b.
func AppendEmail(b []byte, first, last string, index int64, domain string) []byte {
	b = appendLetters(b, first)
	b = append(b, '.')
	b = appendLetters(b, last)
	b = strconv.AppendInt(b, index+1, 10)
	b = append(b, '@')
	return append(b, domain...)
}

// appendLetters appends the letters of s in lower case.
func appendLetters(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := lowerLetters[s[i]]; c != 0 {
			b = append(b, c)
		}
	}
	return b
}

// lowerLetters maps a letter to its lower case and any other byte to 0.
var lowerLetters = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = byte(c), byte(c)
	}
	return t
}()

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
	var b [32]byte // room for appendPad's writes: the string is the one allocation
	return string(AppendPhone(b[:0], npa, xx))
}

// AppendPhone appends Phone(npa, xx) to b.
func AppendPhone(b []byte, npa string, xx int) []byte {
	b = append(b, npa...)
	b = append(b, "-555-01"...)
	return appendPad(b, xx, 2)
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
