// Package layers holds the test that keeps synthpipe's imports running one
// way (see docs/architecture.md):
//
//	pipeline (the engine)            imports nothing of the application
//	internal/version                 imports nothing of the application
//	internal/domain/...              the domain: model, derive, contract, ident, refdata, stream
//	internal/formats/...             file formats and layout; may use the engine's FileInfo
//	internal/entity/...              entity declarations and their schemas
//	internal/component               the registry of synthpipe's components
//	stages/...                       components; none imports another
//	internal/{config,snapshot,verify,progress}
//	internal/service                 data as a service: config, verify and the components
//	internal/samples                 demo samples: verify, readback and the incident entity
//	internal/server, internal/mcptools   HTTP API and MCP tools over the service
//	internal/client                  an HTTP client of the server (imports nothing of the application)
//	internal/preview                 the text view of households for preview (imports nothing of the application)
//	internal/cli, then cmd/
//	internal/testkit, internal/layers, internal/doccheck, internal/docscmd   test support, imported by tests only
//
// A package may import packages of lower layers and, within internal/domain,
// internal/formats and internal/entity, its own layer.
package layers

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/synthpipe/synthpipe/"

// layer returns the rank of a package of the module (path without the
// module prefix) and whether its own layer may import itself.
func layer(pkg string) (rank int, selfOK bool) {
	switch {
	case pkg == "pipeline", pkg == "internal/version", pkg == "internal/client", pkg == "internal/preview":
		return 0, false
	case strings.HasPrefix(pkg, "internal/domain/"):
		return 1, true
	case strings.HasPrefix(pkg, "internal/formats/"):
		return 2, true
	case pkg == "internal/entity", strings.HasPrefix(pkg, "internal/entity/"):
		return 3, true
	case pkg == "internal/component":
		return 4, false
	case strings.HasPrefix(pkg, "stages/"):
		return 5, false
	case pkg == "stages": // registers every component: imports them all
		return 6, false
	case pkg == "internal/config", pkg == "internal/progress":
		return 7, false
	case pkg == "internal/snapshot", pkg == "internal/verify":
		return 8, false
	case pkg == "internal/service", pkg == "internal/samples":
		return 9, false
	case pkg == "internal/server", pkg == "internal/mcptools":
		return 10, false
	case pkg == "internal/cli":
		return 11, false
	case strings.HasPrefix(pkg, "cmd/"):
		return 12, false
	case pkg == "internal/testkit/testrun":
		return 13, false // test support below testkit: imports only the domain
	case pkg == "internal/testkit", pkg == "internal/layers", pkg == "internal/doccheck", pkg == "internal/docscmd":
		return 14, false // test support: may use anything, nothing imports it but tests
	}
	return -1, false
}

func TestImportsRunOneWay(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, module+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		from := strings.TrimPrefix(fields[0], module)
		fromRank, selfOK := layer(from)
		if fromRank < 0 {
			t.Errorf("package %s belongs to no layer: place it in the layout of docs/architecture.md and in this test", from)
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			to := strings.TrimPrefix(imp, module)
			toRank, _ := layer(to)
			if strings.HasPrefix(to, "internal/testkit") && !strings.HasPrefix(from, "internal/testkit") {
				t.Errorf("%s imports %s: only tests may", from, to)
			}
			if strings.HasPrefix(from, "internal/domain/") && to == "pipeline" {
				t.Errorf("%s imports the engine: the domain knows nothing of pipelines", from)
				continue
			}
			if toRank < fromRank || (toRank == fromRank && selfOK) {
				continue
			}
			t.Errorf("%s (layer %d) imports %s (layer %d): imports run from higher layers to lower ones only", from, fromRank, to, toRank)
		}
	}
	if seen < 20 {
		t.Fatalf("only %d packages listed: the test is not seeing the module", seen)
	}
}
