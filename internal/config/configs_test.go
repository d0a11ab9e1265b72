package config_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/synthpipe/synthpipe/internal/config"
)

// Every shipped config loads strictly.
func TestShippedConfigsLoad(t *testing.T) {
	files, err := filepath.Glob("../../configs/*.yaml")
	require.NoError(t, err)
	variants, err := filepath.Glob("../../configs/variants/*.yaml")
	require.NoError(t, err)
	files = append(files, variants...)
	require.GreaterOrEqual(t, len(files), 2)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			cfg, err := config.Load(f, config.Overrides{})
			require.NoError(t, err)
			require.NotEmpty(t, cfg.Sinks)
		})
	}
}
