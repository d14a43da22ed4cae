// Command render is a small, offline stand-in for `helm template`: it renders a
// chart's templates with text/template + sprig and the Helm functions this chart
// uses, so the chart can be verified on machines without helm. It is not a
// general Helm replacement: no subcharts, no --set, no lookup against a cluster.
//
// Usage: render -chart DIR [-f values.yaml ...] [-name REL] [-namespace NS] [-dump-values]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	yaml "gopkg.in/yaml.v3"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	var files valueFiles
	chartDir := flag.String("chart", "", "chart directory")
	name := flag.String("name", "authz", "release name")
	namespace := flag.String("namespace", "authz", "release namespace")
	dump := flag.Bool("dump-values", false, "print the merged values as JSON instead of rendering")
	strict := flag.Bool("strict", true, "fail on a reference to a missing value key (like helm lint --strict)")
	flag.Var(&files, "f", "values file (repeatable, later wins)")
	flag.Parse()
	if *chartDir == "" {
		fatal(errors.New("-chart is required"))
	}
	out, err := run(*chartDir, files, *name, *namespace, *dump, *strict)
	if err != nil {
		fatal(err)
	}
	os.Stdout.WriteString(out)
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "render:", err)
	os.Exit(1)
}

func run(chartDir string, files []string, name, namespace string, dump, strict bool) (string, error) {
	chartMeta, err := readYAMLFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	values, err := readYAMLFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, f := range files {
		override, err := readYAMLFile(f)
		if err != nil {
			return "", err
		}
		values = coalesce(values, override)
	}
	if dump {
		b, err := json.MarshalIndent(values, "", "  ")
		return string(b) + "\n", err
	}
	chartFiles, err := loadFiles(chartDir)
	if err != nil {
		return "", err
	}
	chartName, _ := chartMeta["name"].(string)
	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartObject(chartMeta),
		"Release": map[string]interface{}{
			"Name": name, "Namespace": namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{"Version": "v1.30.0", "Major": "1", "Minor": "30", "GitVersion": "v1.30.0"},
			"APIVersions": apiVersions{"v1", "apps/v1", "batch/v1", "policy/v1", "autoscaling/v2", "networking.k8s.io/v1"},
		},
		"Files": chartFiles,
	}
	return renderAll(chartDir, chartName, top, strict)
}

// chartObject exposes Chart.yaml fields the way Helm does (capitalised names).
func chartObject(meta map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range meta {
		out[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return out
}

type apiVersions []string

// Has reports whether the API group/version is available, like .Capabilities.APIVersions.Has.
func (a apiVersions) Has(v string) bool {
	for _, x := range a {
		if x == v {
			return true
		}
	}
	return false
}

func renderAll(chartDir, chartName string, top map[string]interface{}, strict bool) (string, error) {
	tmplDir := filepath.Join(chartDir, "templates")
	var names []string
	sources := map[string]string{}
	err := filepath.WalkDir(tmplDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n := path.Join(chartName, filepath.ToSlash(rel))
		names = append(names, n)
		sources[n] = string(b)
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)

	root := template.New("gotpl")
	if strict {
		root.Option("missingkey=error")
	} else {
		root.Option("missingkey=zero")
	}
	root.Funcs(funcMap(root))
	for _, n := range names {
		if _, err := root.New(n).Parse(sources[n]); err != nil {
			return "", err
		}
	}

	var out strings.Builder
	for _, n := range names {
		base := path.Base(n)
		if strings.HasPrefix(base, "_") || !(strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml") || strings.HasSuffix(base, ".tpl")) {
			continue // partials and NOTES.txt are not manifests
		}
		if strings.HasSuffix(base, ".tpl") {
			continue
		}
		data := withTemplate(top, n)
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, n, data); err != nil {
			return "", cleanErr(err)
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		for _, doc := range splitDocs(text) {
			out.WriteString("---\n# Source: " + n + "\n" + doc + "\n")
		}
	}
	return out.String(), nil
}

func withTemplate(top map[string]interface{}, name string) map[string]interface{} {
	data := map[string]interface{}{}
	for k, v := range top {
		data[k] = v
	}
	data["Template"] = map[string]interface{}{"Name": name, "BasePath": path.Dir(name)}
	return data
}

var docSep = regexp.MustCompile(`(?m)^---[ \t]*$`)

// splitDocs splits a rendered file into YAML documents and drops empty ones (only blanks or comments).
func splitDocs(text string) []string {
	var docs []string
	for _, d := range docSep.Split(text, -1) {
		keep := false
		for _, line := range strings.Split(d, "\n") {
			t := strings.TrimSpace(line)
			if t != "" && !strings.HasPrefix(t, "#") {
				keep = true
				break
			}
		}
		if keep {
			docs = append(docs, strings.Trim(d, "\n"))
		}
	}
	return docs
}

// cleanErr unwraps template execution errors raised by fail/required so the message is readable.
func cleanErr(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "HELM_ERR_START"); i >= 0 {
		msg = strings.TrimSuffix(msg[i+len("HELM_ERR_START"):], "HELM_ERR_END")
		if j := strings.Index(msg, "HELM_ERR_END"); j >= 0 {
			msg = msg[:j]
		}
		return errors.New(msg)
	}
	return err
}

func funcMap(root *template.Template) template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env") // Helm removes these: a render must not depend on the machine
	delete(f, "expandenv")
	includedDepth := 0
	f["include"] = func(name string, data interface{}) (string, error) {
		includedDepth++
		defer func() { includedDepth-- }()
		if includedDepth > 100 {
			return "", errors.New("include: recursion too deep in " + name)
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return "", err
		}
		return buf.String(), nil
	}
	f["tpl"] = func(text string, data interface{}) (string, error) {
		t, err := root.Clone()
		if err != nil {
			return "", err
		}
		t, err = t.New("tpl").Parse(text)
		if err != nil {
			return "", err
		}
		var buf bytes.Buffer
		if err := t.Execute(&buf, data); err != nil {
			return "", err
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	f["required"] = func(msg string, v interface{}) (interface{}, error) {
		if v == nil {
			return nil, errors.New("HELM_ERR_START" + msg + "HELM_ERR_END")
		}
		if s, ok := v.(string); ok && s == "" {
			return nil, errors.New("HELM_ERR_START" + msg + "HELM_ERR_END")
		}
		return v, nil
	}
	f["fail"] = func(msg string) (string, error) {
		return "", errors.New("HELM_ERR_START" + msg + "HELM_ERR_END")
	}
	f["toYaml"] = func(v interface{}) string {
		s, err := toYAML(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(s, "\n")
	}
	f["fromYaml"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		var raw interface{}
		if err := yaml.Unmarshal([]byte(s), &raw); err != nil {
			m["Error"] = err.Error()
			return m
		}
		if out, ok := normalise(raw).(map[string]interface{}); ok {
			return out
		}
		return m
	}
	f["toJson"] = func(v interface{}) string {
		b, err := json.Marshal(v)
		if err != nil {
			return ""
		}
		return string(b)
	}
	f["fromJson"] = func(s string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["lookup"] = func(apiVersion, kind, namespace, name string) map[string]interface{} {
		return map[string]interface{}{} // no cluster: like `helm template`
	}
	return f
}

// toYAML marshals like sigs.k8s.io/yaml (Helm's toYaml): through JSON, keys sorted, 2-space indent.
func toYAML(v interface{}) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(b, &node); err != nil {
		return "", err
	}
	clearStyle(&node)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return "", err
	}
	enc.Close()
	if strings.TrimSpace(buf.String()) == "null" {
		return "null\n", nil
	}
	return buf.String(), nil
}

// clearStyle drops the JSON flow style and quoting the node got from parsing JSON, so output is block YAML.
// Strings that would read back as another type keep their quotes (the encoder decides that).
func clearStyle(n *yaml.Node) {
	n.Style = 0
	sortMapping(n)
	for _, c := range n.Content {
		clearStyle(c)
	}
}

func sortMapping(n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return
	}
	type pair struct{ k, v *yaml.Node }
	var pairs []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		pairs = append(pairs, pair{n.Content[i], n.Content[i+1]})
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].k.Value < pairs[j].k.Value })
	n.Content = n.Content[:0]
	for _, p := range pairs {
		n.Content = append(n.Content, p.k, p.v)
	}
}

// readYAMLFile reads a YAML mapping the way Helm reads values: through JSON, so numbers are float64.
func readYAMLFile(p string) (map[string]interface{}, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var raw interface{}
	if err := yaml.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if raw == nil {
		return map[string]interface{}{}, nil
	}
	j, err := json.Marshal(normalise(raw))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	out := map[string]interface{}{}
	if err := json.Unmarshal(j, &out); err != nil {
		return nil, fmt.Errorf("%s: top level must be a mapping: %w", p, err)
	}
	return out, nil
}

// normalise turns map[interface{}]interface{} (and nested) into JSON-compatible maps.
func normalise(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, x := range t {
			t[k] = normalise(x)
		}
		return t
	case map[interface{}]interface{}:
		m := map[string]interface{}{}
		for k, x := range t {
			m[fmt.Sprint(k)] = normalise(x)
		}
		return m
	case []interface{}:
		for i, x := range t {
			t[i] = normalise(x)
		}
		return t
	default:
		return v
	}
}

// coalesce merges override onto base like Helm: maps merge deeply, anything else replaces,
// and an explicit null deletes the key.
func coalesce(base, override map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(out, k)
			continue
		}
		bm, bok := out[k].(map[string]interface{})
		om, ook := v.(map[string]interface{})
		if bok && ook {
			out[k] = coalesce(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}
