package main

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Files mirrors Helm's .Files: every chart file outside templates/ (minus Chart.yaml,
// values.yaml, values.schema.json and what .helmignore lists), by slash path.
type Files map[string][]byte

func loadFiles(chartDir string) (Files, error) {
	ignore := readHelmignore(filepath.Join(chartDir, ".helmignore"))
	out := Files{}
	err := filepath.WalkDir(chartDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(chartDir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if ignored(ignore, rel, d.IsDir()) || (d.IsDir() && rel == "templates") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch rel {
		case "Chart.yaml", "values.yaml", "values.schema.json", ".helmignore":
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = b
		return nil
	})
	return out, err
}

func readHelmignore(p string) []string {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil
	}
	var pats []string
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "#") {
			pats = append(pats, l)
		}
	}
	return pats
}

// ignored supports the .helmignore forms this chart uses, as Helm reads them: "name" and
// "*.ext" match a base name at any depth, "dir/" only directories, "/path" only from the
// chart root, "a/b*" the relative path.
func ignored(pats []string, rel string, isDir bool) bool {
	base := path.Base(rel)
	for _, p := range pats {
		dirOnly := strings.HasSuffix(p, "/")
		p = strings.TrimSuffix(p, "/")
		if dirOnly && !isDir {
			continue
		}
		if strings.HasPrefix(p, "/") {
			if ok, _ := path.Match(strings.TrimPrefix(p, "/"), rel); ok {
				return true
			}
			continue
		}
		if ok, _ := path.Match(p, base); ok {
			return true
		}
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
	}
	return false
}

// Get returns a file's content as a string ("" when absent), like Helm.
func (f Files) Get(name string) string { return string(f[name]) }

// GetBytes returns a file's content.
func (f Files) GetBytes(name string) []byte { return f[name] }

// Lines returns a file's lines.
func (f Files) Lines(name string) []string {
	s := string(f[name])
	if s == "" {
		return []string{}
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// Glob returns the files whose path matches a gobwas-style glob: '*' and '?' stay within
// a path segment, '**' crosses segments, '{a,b}' alternates.
func (f Files) Glob(pattern string) Files {
	re := globRegexp(pattern)
	out := Files{}
	for k, v := range f {
		if re.MatchString(k) {
			out[k] = v
		}
	}
	return out
}

// AsConfig renders the files as ConfigMap data (base name -> content), like Helm.
func (f Files) AsConfig() string {
	m := map[string]interface{}{}
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	s, _ := toYAML(m)
	return strings.TrimSuffix(s, "\n")
}

// AsSecrets renders the files as Secret data (base name -> base64), like Helm.
func (f Files) AsSecrets() string {
	m := map[string]interface{}{}
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	s, _ := toYAML(m)
	return strings.TrimSuffix(s, "\n")
}

func globRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	inAlt := false
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		switch {
		case c == '*' && i+1 < len(pattern) && pattern[i+1] == '*':
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '{':
			b.WriteString("(?:")
			inAlt = true
		case c == '}' && inAlt:
			b.WriteString(")")
			inAlt = false
		case c == ',' && inAlt:
			b.WriteString("|")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}
