package dev.artsched.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Architecture rules over the Java sources of every module, read from disk relative to the repository root (the
 * tests of art-cli run in {@code art-cli/}). Dependencies are taken from the code with comments and string
 * literals removed: import statements, fully qualified {@code dev.artsched...Type} references and, inside a
 * package, simple names of the package's other top-level types. Each failure lists the offending files.
 */
class ArchitectureTest {

    /** The modules of the main chain, lowest first: a module may depend only on modules before it. */
    private static final List<String> LAYERS =
            List.of("art-scheduler-api", "art-onnx-runtime", "art-eval", "art-training", "art-cli");
    private static final int MAX_CLASS_LINES = 400;
    private static final double MAX_MODULE_SHARE = 0.35;

    private static final Path ROOT = repositoryRoot();
    private static final Sources MAIN = Sources.scan(ROOT, "main");
    private static final Sources TEST = Sources.scan(ROOT, "test");

    @Test
    void theScanSeesEveryModule() {
        assertThat(MAIN.modules()).containsAll(LAYERS).contains("plugin-examples", "benchmarks");
        assertThat(MAIN.byName).containsKeys("dev.artsched.cli.ArtCli", "dev.artsched.eval.EvalRunner",
                "dev.artsched.scheduler.ScheduleFile");
        assertThat(MAIN.dependencies(MAIN.byName.get("dev.artsched.cli.ArtCli")))
                .extracting(SourceFile::fqn).contains("dev.artsched.cli.DemoCommand");
    }

    /**
     * A ServiceLoader SPI sub-package counts as part of its parent (the provider interface returns the parent's
     * type and the parent's registry loads the providers, as in java.nio.charset / java.nio.charset.spi); every
     * other pair of packages must not depend on each other.
     */
    private static String unit(String pkg) {
        return pkg.endsWith(".spi") ? pkg.substring(0, pkg.length() - ".spi".length()) : pkg;
    }

    @Test
    void noPackageCycles() {
        Map<String, Map<String, List<String>>> edges = new TreeMap<>();
        for (SourceFile f : MAIN.types()) {
            for (SourceFile d : MAIN.dependencies(f)) {
                if (!unit(d.pkg()).equals(unit(f.pkg()))) {
                    edges.computeIfAbsent(unit(f.pkg()), k -> new TreeMap<>())
                            .computeIfAbsent(unit(d.pkg()), k -> new ArrayList<>())
                            .add(f.path() + " -> " + d.fqn());
                }
            }
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        edges.forEach((from, to) -> graph.put(from, to.keySet()));
        List<String> violations = new ArrayList<>();
        for (Set<String> cycle : Graphs.cycles(graph)) {
            StringBuilder b = new StringBuilder("package cycle " + cycle + ":");
            for (String from : cycle) {
                edges.get(from).forEach((to, why) -> {
                    if (cycle.contains(to)) {
                        why.forEach(w -> b.append("\n    ").append(w));
                    }
                });
            }
            violations.add(b.toString());
        }
        assertThat(violations).as(report("package cycles", violations)).isEmpty();
    }

    @Test
    void noDependencyCirclesBetweenFiles() {
        List<String> violations = fileCircles(circle -> true);
        assertThat(violations).as(report("file dependency circles", violations)).isEmpty();
    }

    @Test
    void noDependencyCirclesBetweenFilesOfDifferentPackages() {
        List<String> violations = fileCircles(circle -> circle.stream().map(SourceFile::pkg).distinct().count() > 1);
        assertThat(violations).as(report("file dependency circles across packages", violations)).isEmpty();
    }

    /** The circles of files (strongly connected components) that {@code select} picks, with their edges. */
    private static List<String> fileCircles(Predicate<Set<SourceFile>> select) {
        Map<SourceFile, Set<SourceFile>> graph = new TreeMap<>();
        for (SourceFile f : MAIN.types()) {
            graph.put(f, MAIN.dependencies(f));
        }
        List<String> violations = new ArrayList<>();
        for (Set<SourceFile> circle : Graphs.cycles(graph)) {
            if (!select.test(circle)) {
                continue;
            }
            StringBuilder b = new StringBuilder("circle of " + circle.size() + " files:");
            for (SourceFile f : circle) {
                for (SourceFile d : graph.get(f)) {
                    if (circle.contains(d)) {
                        b.append("\n    ").append(f.path()).append(" -> ").append(d.fqn());
                    }
                }
            }
            violations.add(b.toString());
        }
        return violations;
    }

    @Test
    void moduleDependenciesPointDownTheChain() {
        List<String> violations = new ArrayList<>();
        for (SourceFile f : MAIN.types()) {
            int level = LAYERS.indexOf(f.module());
            if (level < 0) {
                continue;
            }
            for (SourceFile d : MAIN.dependencies(f)) {
                int target = LAYERS.indexOf(d.module());
                if (target > level || target < 0) {
                    violations.add(f.path() + " (" + f.module() + ") depends on " + d.fqn() + " (" + d.module()
                            + ")");
                }
            }
        }
        assertThat(violations).as(report("module dependencies against " + String.join(" <- ", LAYERS),
                violations)).isEmpty();
    }

    @Test
    void commandLineLibrariesOnlyInArtCli() {
        List<String> violations = new ArrayList<>();
        violations.addAll(uses(Pattern.compile("\\bpicocli\\."), m -> !m.equals("art-cli")));
        violations.addAll(uses(Pattern.compile("\\bme\\.tongfei\\.progressbar\\b"), m -> !m.equals("art-cli")));
        assertThat(violations).as(report("picocli / progressbar outside art-cli", violations)).isEmpty();
    }

    @Test
    void djlOnlyInArtTrainingAndThePluginExamples() {
        List<String> violations = uses(Pattern.compile("\\bai\\.djl\\."),
                m -> !m.equals("art-training") && !m.equals("plugin-examples")
                        && !m.startsWith("plugin-examples/"));
        assertThat(violations).as(report("ai.djl outside art-training and plugin-examples", violations)).isEmpty();
    }

    @Test
    void noMainClassOver400Lines() {
        List<String> violations = new ArrayList<>();
        for (SourceFile f : MAIN.types()) {
            if (f.lines() > MAX_CLASS_LINES) {
                violations.add(f.path() + ": " + f.lines() + " lines");
            }
        }
        assertThat(violations).as(report("main classes over " + MAX_CLASS_LINES + " lines", violations)).isEmpty();
    }

    @Test
    void noModuleHoldsMoreThan35PercentOfTheMainSources() {
        Map<String, Integer> lines = new TreeMap<>();
        for (SourceFile f : MAIN.files) {
            lines.merge(f.module(), f.lines(), Integer::sum);
        }
        int total = lines.values().stream().mapToInt(Integer::intValue).sum();
        List<String> violations = new ArrayList<>();
        lines.forEach((module, n) -> {
            if (n > MAX_MODULE_SHARE * total) {
                List<String> biggest = MAIN.files.stream().filter(f -> f.module().equals(module))
                        .sorted((a, b) -> Integer.compare(b.lines(), a.lines())).limit(5)
                        .map(f -> f.path() + " (" + f.lines() + ")").toList();
                violations.add(String.format(Locale.ROOT, "%s: %d of %d lines (%.1f%%), largest files %s", module, n,
                        total, 100.0 * n / total, biggest));
            }
        });
        assertThat(total).isPositive();
        assertThat(violations).as(report("modules over " + (int) (100 * MAX_MODULE_SHARE) + "% of all main lines",
                violations)).isEmpty();
    }

    @Test
    void everyMainPackageHasAPackageInfo() {
        Set<String> documented = new TreeSet<>();
        Set<String> packages = new TreeSet<>();
        for (SourceFile f : MAIN.files) {
            String where = f.path().substring(0, f.path().lastIndexOf('/'));
            if (f.name().equals("package-info")) {
                documented.add(where);
            } else if (f.isType()) {
                packages.add(where);
            }
        }
        packages.removeAll(documented);
        List<String> violations = List.copyOf(packages);
        assertThat(violations).as(report("package-info.java in every main package", violations)).isEmpty();
    }

    /** Files (main and test) whose code matches {@code use} in a module for which {@code forbidden} holds. */
    private static List<String> uses(Pattern use, Predicate<String> forbidden) {
        List<String> violations = new ArrayList<>();
        for (Sources sources : List.of(MAIN, TEST)) {
            for (SourceFile f : sources.files) {
                if (forbidden.test(f.module())) {
                    Matcher m = use.matcher(f.code());
                    if (m.find()) {
                        violations.add(f.path() + " (" + f.module() + "), line " + f.lineOf(m.start()));
                    }
                }
            }
        }
        return violations;
    }

    private static String report(String rule, List<String> violations) {
        return violations.size() + " violation(s) of the rule '" + rule + "':\n  " + String.join("\n  ", violations)
                + "\n";
    }

    private static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.isDirectory(p.resolve("art-scheduler-api")) && Files.isDirectory(p.resolve(
                "art-cli")))) {
            p = p.getParent();
        }
        assertThat(p).as("repository root above " + Path.of("").toAbsolutePath()).isNotNull();
        return p;
    }

    /**
     * One Java source file.
     *
     * @param module folder of the module relative to the root, e.g. {@code art-eval} or
     *               {@code plugin-examples/third-party-plugin}
     * @param path   the file relative to the root, with forward slashes
     * @param pkg    the declared package ({@code ""} for none)
     * @param name   the top-level type named by the file ({@code module-info}, {@code package-info} included)
     * @param lines  number of lines
     * @param code   the text with comments and string/char literals blanked (line breaks kept)
     */
    private record SourceFile(String module, String path, String pkg, String name, int lines, String code)
            implements Comparable<SourceFile> {

        String fqn() {
            return pkg.isEmpty() ? name : pkg + "." + name;
        }

        boolean isType() {
            return !name.equals("module-info") && !name.equals("package-info");
        }

        int lineOf(int offset) {
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (code.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }

        @Override
        public int compareTo(SourceFile o) {
            return path.compareTo(o.path);
        }

        @Override
        public String toString() {
            return path;
        }
    }

    /** The {@code src/<kind>/java} files of every module below the root, with their resolved dependencies. */
    private static final class Sources {
        private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)\\s*;");
        private static final Pattern IMPORT =
                Pattern.compile("(?m)^\\s*import\\s+(?:static\\s+)?([\\w.]+?)(\\.\\*)?\\s*;");
        private static final Pattern QUALIFIED = Pattern.compile("\\bdev\\.artsched(?:\\.[a-z_]\\w*)*\\.[A-Z]\\w*");
        private static final Pattern TYPE_NAME = Pattern.compile("\\b[A-Z]\\w*\\b");
        private static final Set<String> SKIPPED = Set.of("target", ".git", "node_modules", "__pycache__", ".mvn");

        final List<SourceFile> files;
        final Map<String, SourceFile> byName = new HashMap<>();
        final Map<String, List<SourceFile>> byPackage = new HashMap<>();
        private final Map<SourceFile, Set<SourceFile>> dependencies = new HashMap<>();

        private Sources(List<SourceFile> files) {
            this.files = files;
            for (SourceFile f : types()) {
                byName.put(f.fqn(), f);
                byPackage.computeIfAbsent(f.pkg(), k -> new ArrayList<>()).add(f);
            }
        }

        static Sources scan(Path root, String kind) {
            Path tail = Path.of("src", kind, "java");
            List<SourceFile> files = new ArrayList<>();
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                        if (!dir.equals(root) && SKIPPED.contains(dir.getFileName().toString())) {
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        if (dir.endsWith(tail)) {
                            String module = slashes(root.relativize(dir.getParent().getParent().getParent()));
                            try (var walk = Files.walk(dir)) {
                                for (Path p : walk.filter(x -> x.toString().endsWith(".java")).sorted().toList()) {
                                    files.add(read(root, module, p));
                                }
                            }
                            return FileVisitResult.SKIP_SUBTREE;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Sources(files);
        }

        private static SourceFile read(Path root, String module, Path file) throws IOException {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            String code = Java.blankCommentsAndLiterals(text);
            Matcher pkg = PACKAGE.matcher(code);
            String name = file.getFileName().toString().replaceAll("\\.java$", "");
            int lines = text.isEmpty() ? 0 : text.split("\n", -1).length - (text.endsWith("\n") ? 1 : 0);
            return new SourceFile(module, slashes(root.relativize(file)), pkg.find() ? pkg.group(1) : "", name,
                    lines, code);
        }

        private static String slashes(Path p) {
            return p.toString().replace('\\', '/');
        }

        List<String> modules() {
            return files.stream().map(SourceFile::module).distinct().sorted().toList();
        }

        List<SourceFile> types() {
            return files.stream().filter(SourceFile::isType).sorted().toList();
        }

        /** The other files of these sources that {@code f} refers to. */
        Set<SourceFile> dependencies(SourceFile f) {
            return dependencies.computeIfAbsent(f, this::resolve);
        }

        private Set<SourceFile> resolve(SourceFile f) {
            Set<SourceFile> out = new TreeSet<>();
            String body = IMPORT.matcher(PACKAGE.matcher(f.code()).replaceAll("")).replaceAll("");
            Set<String> simpleNames = new LinkedHashSet<>();
            Matcher names = TYPE_NAME.matcher(body);
            while (names.find()) {
                simpleNames.add(names.group());
            }
            Matcher imports = IMPORT.matcher(f.code());
            while (imports.find()) {
                String name = imports.group(1);
                SourceFile type = longestType(name);
                if (type != null) {
                    out.add(type);
                } else if (imports.group(2) != null) {
                    // on-demand import of a package: the package's types that the body names
                    for (SourceFile t : byPackage.getOrDefault(name, List.of())) {
                        if (simpleNames.contains(t.name())) {
                            out.add(t);
                        }
                    }
                }
            }
            Matcher qualified = QUALIFIED.matcher(body);
            while (qualified.find()) {
                SourceFile type = longestType(qualified.group());
                if (type != null) {
                    out.add(type);
                }
            }
            for (SourceFile t : byPackage.getOrDefault(f.pkg(), List.of())) {
                if (simpleNames.contains(t.name())) {
                    out.add(t);
                }
            }
            out.remove(f);
            return out;
        }

        /** The top-level type that is the longest prefix of a dotted name, e.g. {@code a.B} of {@code a.B.C.m}. */
        private SourceFile longestType(String dotted) {
            String s = dotted;
            while (true) {
                SourceFile t = byName.get(s);
                if (t != null) {
                    return t;
                }
                int dot = s.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                s = s.substring(0, dot);
            }
        }
    }

    /** Strongly connected components (Tarjan): every set of two or more nodes that reach each other. */
    private static final class Graphs {
        static <T extends Comparable<T>> List<Set<T>> cycles(Map<T, ? extends Collection<T>> graph) {
            Map<T, Integer> index = new HashMap<>();
            Map<T, Integer> low = new HashMap<>();
            Deque<T> stack = new ArrayDeque<>();
            Set<T> onStack = new HashSet<>();
            List<Set<T>> out = new ArrayList<>();
            int[] counter = {0};
            Function<T, Collection<T>> next = n -> graph.containsKey(n) ? graph.get(n) : List.of();
            for (T start : new TreeSet<>(graph.keySet())) {
                if (!index.containsKey(start)) {
                    strongConnect(start, next, index, low, stack, onStack, out, counter);
                }
            }
            return out;
        }

        private static <T extends Comparable<T>> void strongConnect(T v, Function<T, Collection<T>> next,
                Map<T, Integer> index, Map<T, Integer> low, Deque<T> stack, Set<T> onStack, List<Set<T>> out,
                int[] counter) {
            // iterative depth-first search, so that long chains cannot overflow the stack
            Deque<Map.Entry<T, Iterator<T>>> work = new ArrayDeque<>();
            visit(v, next, index, low, stack, onStack, counter, work);
            while (!work.isEmpty()) {
                Map.Entry<T, Iterator<T>> top = work.peek();
                T node = top.getKey();
                if (top.getValue().hasNext()) {
                    T w = top.getValue().next();
                    if (!index.containsKey(w)) {
                        visit(w, next, index, low, stack, onStack, counter, work);
                    } else if (onStack.contains(w)) {
                        low.put(node, Math.min(low.get(node), index.get(w)));
                    }
                } else {
                    work.pop();
                    if (!work.isEmpty()) {
                        T parent = work.peek().getKey();
                        low.put(parent, Math.min(low.get(parent), low.get(node)));
                    }
                    if (low.get(node).equals(index.get(node))) {
                        Set<T> component = new TreeSet<>();
                        T w;
                        do {
                            w = stack.pop();
                            onStack.remove(w);
                            component.add(w);
                        } while (!w.equals(node));
                        if (component.size() > 1) {
                            out.add(component);
                        }
                    }
                }
            }
        }

        private static <T extends Comparable<T>> void visit(T v, Function<T, Collection<T>> next,
                Map<T, Integer> index, Map<T, Integer> low, Deque<T> stack, Set<T> onStack, int[] counter,
                Deque<Map.Entry<T, Iterator<T>>> work) {
            index.put(v, counter[0]);
            low.put(v, counter[0]);
            counter[0]++;
            stack.push(v);
            onStack.add(v);
            work.push(Map.entry(v, new ArrayList<>(new TreeSet<>(next.apply(v))).iterator()));
        }
    }

    /** A small lexer that blanks comments and string, text-block and char literals, keeping line breaks. */
    private static final class Java {
        static String blankCommentsAndLiterals(String s) {
            StringBuilder b = new StringBuilder(s.length());
            int i = 0;
            int n = s.length();
            while (i < n) {
                char c = s.charAt(i);
                if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
                    while (i < n && s.charAt(i) != '\n') {
                        b.append(' ');
                        i++;
                    }
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                    int end = s.indexOf("*/", i + 2);
                    end = end < 0 ? n : end + 2;
                    blank(s, i, end, b);
                    i = end;
                } else if (s.startsWith("\"\"\"", i)) {
                    int end = i + 3;
                    while (end < n && !s.startsWith("\"\"\"", end)) {
                        end += s.charAt(end) == '\\' ? 2 : 1;
                    }
                    end = Math.min(n, end + 3);
                    blank(s, i, end, b);
                    i = end;
                } else if (c == '"' || c == '\'') {
                    int end = i + 1;
                    while (end < n && s.charAt(end) != c && s.charAt(end) != '\n') {
                        end += s.charAt(end) == '\\' ? 2 : 1;
                    }
                    end = Math.min(n, end + 1);
                    blank(s, i, end, b);
                    i = end;
                } else {
                    b.append(c);
                    i++;
                }
            }
            return b.toString();
        }

        private static void blank(String s, int from, int to, StringBuilder b) {
            for (int k = from; k < to; k++) {
                b.append(s.charAt(k) == '\n' ? '\n' : ' ');
            }
        }
    }
}
