package pipeline

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

type shared struct{ n int }

func TestRegistryBuildsTypedAndRefusesDuplicates(t *testing.T) {
	var r Registry[*int, *shared]
	r.RegisterSource(Spec{Type: "count", Summary: "counts"}, func(_ Conf, env *Env[*shared]) (Source[*int], error) {
		return &counter{limit: env.Shared.n}, nil
	})
	r.RegisterStage(Spec{Type: "square", Provides: []string{"squares"}}, func(Conf, *Env[*shared]) (Stage[*int], error) { return jitter{}, nil })
	r.RegisterSink(Spec{Type: "collect", Needs: []string{"squares"}}, func(Conf, *Env[*shared]) (Sink[*int], error) { return &collect{}, nil })
	r.RegisterFinalizer(Spec{Type: "finish"}, func(Conf, *Env[*shared]) (Finalizer, error) { return &finisher{}, nil })

	spec, ok := r.Lookup(KindStage, "square")
	require.True(t, ok)
	require.Equal(t, KindStage, spec.Kind, "the Register call sets the kind")
	_, ok = r.Lookup(KindSink, "square")
	require.False(t, ok, "types are per kind")
	require.Equal(t, []string{"square"}, r.Providers(KindStage, "squares"))
	require.Equal(t, []string{"collect"}, r.Types(KindSink))
	require.Len(t, r.Specs(), 4)

	env := &Env[*shared]{Shared: &shared{n: 4}}
	src, err := r.BuildSource("count", Conf{}, env)
	require.NoError(t, err)
	require.Equal(t, &counter{limit: 4}, src, "the build func saw the typed shared context")
	st, err := r.BuildStage("square", Conf{}, env)
	require.NoError(t, err)
	require.Equal(t, jitter{}, st)
	sink, err := r.BuildSink("collect", Conf{}, env)
	require.NoError(t, err)
	fin, err := r.BuildFinalizer("finish", Conf{}, env)
	require.NoError(t, err)
	_, err = r.BuildStage("collect", Conf{}, env)
	require.ErrorContains(t, err, `unknown stage type "collect"`)

	files, err := Run(context.Background(), Plan[*int]{Source: src, Stages: [][]Stage[*int]{{st}}, Sinks: []Sink[*int]{sink}, Finalizers: []Finalizer{fin}})
	require.NoError(t, err)
	require.Equal(t, []int{0, 1, 4, 9}, sink.(*collect).got)
	require.Len(t, files, 2)

	require.PanicsWithValue(t, `pipeline: stage type "square" registered twice`, func() {
		r.RegisterStage(Spec{Type: "square"}, func(Conf, *Env[*shared]) (Stage[*int], error) { return failing{}, nil })
	})
	require.Panics(t, func() { r.RegisterSink(Spec{Type: "nil"}, nil) }, "a sink without a build func")
	require.NotPanics(t, func() {
		r.RegisterSink(Spec{Type: "square"}, func(Conf, *Env[*shared]) (Sink[*int], error) { return &collect{}, nil })
	}, "the same type in another kind is fine")
}
