//! A deterministic generator of realistic JUnit runs, for benchmarks and scale tests.
//!
//! Same spec and seed, same bytes, on every machine. The shape follows what big suites write:
//! nested suites (package → class), 40–80-character test names, about 3% failures with
//! stack-trace bodies (2% of tests always fail, 5% are flaky and fail 20% of the time),
//! about 2% skipped, 5% with 1–4 KB of `system-out`, and suite properties. The same tests and
//! outcomes can be laid out as one level of suites instead ([`SuiteLayout::Flat`]), for
//! readers that skip nested suites.

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenSpec {
    /// Tests per run.
    pub tests: usize,
    /// Number of runs.
    pub runs: usize,
    /// Seed of the pseudo-random choices.
    pub seed: u64,
}

/// How [`generate_run_laid_out`] lays out the suites of a run. Both layouts hold the same
/// testcases, byte for byte, in the same order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuiteLayout {
    /// A module suite (`com.example.module000`, with a `hostname` and two properties) holding
    /// one suite per class, as Gradle's and Maven's aggregated reports nest them.
    Nested,
    /// One suite per class directly under `<testsuites>`, each with the module's `hostname`
    /// and properties, as Maven Surefire's per-class reports and pytest write them.
    Flat,
}

/// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): tiny, fast, and good enough for shaping test data.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A ratio in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "account",
    "balance",
    "cache",
    "checkout",
    "config",
    "customer",
    "discount",
    "export",
    "gateway",
    "inventory",
    "invoice",
    "ledger",
    "login",
    "order",
    "payment",
    "profile",
    "refund",
    "report",
    "search",
    "session",
    "shipping",
    "token",
    "upload",
    "webhook",
];

/// What kind of test a test is, decided once per test (the same in every run).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Stable,
    Broken,
    Flaky,
    Skipped,
}

struct TestSpec {
    package: usize,
    class: usize,
    name: String,
    kind: Kind,
    output: bool,
}

fn tests_of(spec: &GenSpec) -> Vec<TestSpec> {
    let mut rng = SplitMix(spec.seed);
    (0..spec.tests)
        .map(|i| {
            let roll = rng.unit();
            let kind = if roll < 0.02 {
                Kind::Broken
            } else if roll < 0.07 {
                Kind::Flaky
            } else if roll < 0.09 {
                Kind::Skipped
            } else {
                Kind::Stable
            };
            // 40-80 characters: "test_" + words + a number.
            let target = 40 + rng.below(41) as usize;
            let mut name = String::from("test_");
            while name.len() < target - 6 {
                name.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
                name.push('_');
            }
            // ASCII only, so truncating at a byte index is safe.
            name.truncate(target - 6);
            name.push_str(&format!("{:06}", i % 1_000_000));
            TestSpec {
                package: i / 2000,
                class: i / 40,
                name,
                kind,
                output: rng.unit() < 0.05,
            }
        })
        .collect()
}

/// Every run of `spec`, generated and read as a JUnit report named `name(run)` (0-based):
/// the reads of the files `flakelens gen` would write under those names.
pub fn read_generated(
    spec: &GenSpec,
    name: impl Fn(usize) -> String,
) -> Vec<crate::junit::ReadOutput> {
    (0..spec.runs)
        .map(|run| crate::junit::read_report(&name(run), generate_run(spec, run).as_bytes()))
        .collect()
}

/// Generates run `run` (0-based) of `spec` as JUnit XML, with nested suites
/// ([`SuiteLayout::Nested`]).
pub fn generate_run(spec: &GenSpec, run: usize) -> String {
    generate_run_laid_out(spec, run, SuiteLayout::Nested)
}

/// Generates run `run` (0-based) of `spec` as JUnit XML, its suites laid out as `layout`
/// says.
pub fn generate_run_laid_out(spec: &GenSpec, run: usize, layout: SuiteLayout) -> String {
    let tests = tests_of(spec);
    let mut rng = SplitMix(spec.seed ^ (run as u64 + 1).wrapping_mul(0xA076_1D64_78BD_642F));
    let mut xml = String::with_capacity(spec.tests * 320);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!(
        "<testsuites name=\"generated\" tests=\"{}\" timestamp=\"2026-01-01T{:02}:{:02}:00Z\">\n",
        spec.tests,
        (run / 60) % 24,
        run % 60
    ));
    // The module's attributes and properties: on the module suite when nested, on each class
    // suite when flat.
    let module_details = |package: usize| {
        (
            format!("hostname=\"ci-runner-{}\"", run % 7),
            format!(
                "<properties>\n      <property name=\"java.version\" value=\"21.0.{}\"/>\n      <property name=\"run.index\" value=\"{run}\"/>\n    </properties>\n",
                package % 9
            ),
        )
    };
    let mut i = 0;
    while i < tests.len() {
        let package = tests[i].package;
        let (hostname, properties) = module_details(package);
        if layout == SuiteLayout::Nested {
            xml.push_str(&format!(
                "  <testsuite name=\"com.example.module{package:03}\" {hostname}>\n    {properties}"
            ));
        }
        while i < tests.len() && tests[i].package == package {
            let class = tests[i].class;
            let suite = format!("com.example.module{package:03}.Feature{class:05}Test");
            match layout {
                SuiteLayout::Nested => {
                    xml.push_str(&format!("    <testsuite name=\"{suite}\">\n"));
                }
                SuiteLayout::Flat => xml.push_str(&format!(
                    "    <testsuite name=\"{suite}\" {hostname}>\n    {properties}"
                )),
            }
            while i < tests.len() && tests[i].class == class {
                write_case(&mut xml, &tests[i], package, class, &mut rng);
                i += 1;
            }
            xml.push_str("    </testsuite>\n");
        }
        if layout == SuiteLayout::Nested {
            xml.push_str("  </testsuite>\n");
        }
    }
    xml.push_str("</testsuites>\n");
    xml
}

fn write_case(xml: &mut String, t: &TestSpec, package: usize, class: usize, rng: &mut SplitMix) {
    let time = 0.001 + rng.unit() * 0.5;
    xml.push_str(&format!(
        "      <testcase classname=\"com.example.module{package:03}.Feature{class:05}Test\" name=\"{}\" time=\"{time:.3}\"",
        t.name
    ));
    let fails = match t.kind {
        Kind::Broken => true,
        Kind::Flaky => rng.unit() < 0.2,
        _ => false,
    };
    if !fails && t.kind != Kind::Skipped && !t.output {
        xml.push_str("/>\n");
        return;
    }
    xml.push_str(">\n");
    if t.kind == Kind::Skipped {
        xml.push_str("        <skipped message=\"disabled until the fixture is rewritten\"/>\n");
    }
    if fails {
        let line = 20 + rng.below(400);
        xml.push_str(&format!(
            "        <failure message=\"expected:&lt;{}&gt; but was:&lt;{}&gt;\" type=\"org.opentest4j.AssertionFailedError\"><![CDATA[org.opentest4j.AssertionFailedError: expected: <{}> but was: <{}>\n",
            rng.below(100), rng.below(100), rng.below(100), rng.below(100)
        ));
        for frame in 0..12 {
            xml.push_str(&format!(
                "\tat com.example.module{package:03}.Feature{class:05}Test.{}(Feature{class:05}Test.java:{})\n",
                if frame == 0 { t.name.as_str() } else { "invoke" },
                line + frame
            ));
        }
        xml.push_str("]]></failure>\n");
    }
    if t.output {
        let lines = 16 + rng.below(48);
        xml.push_str("        <system-out><![CDATA[");
        for l in 0..lines {
            xml.push_str(&format!(
                "2026-01-01 00:00:{:02}.{:03} INFO  [worker-{}] processed batch {l} of {lines} for {}\n",
                l % 60,
                rng.below(1000),
                rng.below(8),
                WORDS[rng.below(WORDS.len() as u64) as usize]
            ));
        }
        xml.push_str("]]></system-out>\n");
    }
    xml.push_str("      </testcase>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::junit::read_report;

    #[test]
    fn read_generated_reads_each_run_under_its_name() {
        let spec = GenSpec {
            tests: 50,
            runs: 3,
            seed: 2,
        };
        let reads = read_generated(&spec, |run| format!("d/{run}.xml"));
        assert_eq!(reads.len(), 3);
        for (run, read) in reads.iter().enumerate() {
            let alone = read_report(&format!("d/{run}.xml"), generate_run(&spec, run).as_bytes());
            assert_eq!(read.run, alone.run);
            assert_eq!(
                read.run.as_ref().map(|r| r.file.as_str()),
                Some(&*format!("d/{run}.xml"))
            );
        }
    }

    #[test]
    fn deterministic_and_well_formed() {
        let spec = GenSpec {
            tests: 500,
            runs: 3,
            seed: 7,
        };
        let a = generate_run(&spec, 1);
        assert_eq!(a, generate_run(&spec, 1));
        assert_ne!(a, generate_run(&spec, 2));
        let out = read_report("g.xml", a.as_bytes());
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        let run = out.run.expect("a run");
        assert_eq!(run.testcases.len(), 500);
        // Names are 40-80 characters.
        assert!(run
            .testcases
            .iter()
            .all(|t| (40..=80).contains(&t.key.name().len())));
    }

    #[test]
    fn flat_layout_holds_the_same_testcases_in_one_level_of_suites() {
        let spec = GenSpec {
            tests: 4_100,
            runs: 2,
            seed: 3,
        };
        let nested = generate_run(&spec, 1);
        let flat = generate_run_laid_out(&spec, 1, SuiteLayout::Flat);
        // Without the suites' own lines, both are the same testcase lines, byte for byte.
        let case_lines = |xml: &str| -> Vec<String> {
            xml.lines()
                .filter(|l| {
                    !["testsuite", "<propert", "</propert"]
                        .iter()
                        .any(|t| l.contains(t))
                })
                .map(str::to_owned)
                .collect()
        };
        let nested_lines = case_lines(&nested);
        assert_eq!(
            nested_lines
                .iter()
                .filter(|l| l.contains("<testcase "))
                .count(),
            4_100
        );
        assert_eq!(case_lines(&flat), nested_lines);

        // Read: the same tests, outcomes, times and texts; suites one level deep, each with
        // the module's hostname and properties. 4,100 tests are 103 classes of 40 in 3 modules.
        let nested = read_report("n.xml", nested.as_bytes()).run.expect("a run");
        let flat_read = read_report("f.xml", flat.as_bytes());
        assert!(
            flat_read.diagnostics.is_empty(),
            "{:?}",
            flat_read.diagnostics
        );
        let flat_run = flat_read.run.expect("a run");
        assert_eq!(flat_run.testcases.len(), nested.testcases.len());
        for (f, n) in flat_run.testcases.iter().zip(&nested.testcases) {
            assert_eq!(f.key, n.key);
            assert_eq!(f.outcome, n.outcome);
            assert_eq!(f.time_seconds, n.time_seconds);
            assert_eq!(f.attempts, n.attempts);
            let class = f.key.classname();
            let module = class.split(".Feature").next().expect("a module");
            assert_eq!(&*f.suite_path, format!("generated › {class}"));
            assert_eq!(&*n.suite_path, format!("generated › {module} › {class}"));
        }
        assert_eq!(flat.matches("<testsuite ").count(), 103);
        assert_eq!(flat.matches("hostname=\"ci-runner-1\"").count(), 103);
        assert_eq!(flat.matches("name=\"run.index\" value=\"1\"").count(), 103);
    }

    #[test]
    fn shape_is_roughly_as_documented() {
        let spec = GenSpec {
            tests: 20_000,
            runs: 1,
            seed: 1,
        };
        let xml = generate_run(&spec, 0);
        let run = read_report("g.xml", xml.as_bytes()).run.expect("a run");
        let n = run.testcases.len() as f64;
        let share = |f: &dyn Fn(&crate::TestCase) -> bool| {
            run.testcases.iter().filter(|t| f(t)).count() as f64 / n
        };
        let failed = share(&|t| t.outcome.is_failure());
        let skipped = share(&|t| t.outcome == crate::Outcome::Skipped);
        let output = share(&|t| t.attempts[0].system_out.is_some());
        // 2% broken + 5% flaky x 20% = 3%; 2% skipped; 5% with output.
        assert!((0.02..0.04).contains(&failed), "{failed}");
        assert!((0.015..0.025).contains(&skipped), "{skipped}");
        assert!((0.04..0.06).contains(&output), "{output}");
        // About 300 bytes a test, so 20,000 tests make about 6 MB.
        let per_test = xml.len() as f64 / n;
        assert!((200.0..450.0).contains(&per_test), "{per_test}");
    }
}
