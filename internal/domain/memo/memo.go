// Package memo keeps values computed once per key and read on every
// record: a copy-on-write map behind an atomic pointer, so a read is one
// atomic load and a typed map lookup, with no lock and no interface
// hashing (sync.Map's cost showed in profiles of the generators).
package memo

import (
	"maps"
	"sync"
	"sync/atomic"
)

// Map is a read-mostly map for small key sets: each new key copies the
// map, so it suits keys that stop growing after the first records. The
// zero Map is empty and ready.
type Map[K comparable, V any] struct {
	m  atomic.Pointer[map[K]V]
	mu sync.Mutex // serialises writers
}

// Get returns the value of k, computed by compute the first time k is
// asked for. Concurrent first calls may both compute; the first value
// stored is the one every call returns.
func (c *Map[K, V]) Get(k K, compute func() V) V {
	if m := c.m.Load(); m != nil {
		if v, ok := (*m)[k]; ok {
			return v
		}
	}
	v := compute()
	c.mu.Lock()
	defer c.mu.Unlock()
	var next map[K]V
	if old := c.m.Load(); old != nil {
		if got, ok := (*old)[k]; ok {
			return got
		}
		next = maps.Clone(*old)
	} else {
		next = map[K]V{}
	}
	next[k] = v
	c.m.Store(&next)
	return v
}
