package memo

import (
	"sync"
	"sync/atomic"
	"testing"
)

// Every caller gets the first value stored for a key, whatever the
// concurrency; keys do not disturb each other.
func TestGetKeepsOneValuePerKey(t *testing.T) {
	var m Map[int, *int]
	var computed atomic.Int64
	var wg sync.WaitGroup
	got := make([][]*int, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 50 {
				got[g] = append(got[g], m.Get(k, func() *int { computed.Add(1); v := k; return &v }))
			}
		}()
	}
	wg.Wait()
	for k := range 50 {
		want := m.Get(k, func() *int { t.Fatalf("key %d computed again after it was stored", k); return nil })
		if *want != k {
			t.Fatalf("key %d holds %d", k, *want)
		}
		for g := range got {
			if got[g][k] != want {
				t.Fatalf("goroutine %d got another value of key %d than the one stored", g, k)
			}
		}
	}
	if n := computed.Load(); n < 50 {
		t.Fatalf("computed %d times for 50 keys", n)
	}
}
