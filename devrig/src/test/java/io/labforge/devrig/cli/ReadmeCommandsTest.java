package io.labforge.devrig.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.common.lab.LabFiles;
import io.labforge.common.lab.LabParser;
import io.labforge.orchestrator.cli.LabforgeCli;
import io.labforge.orchestrator.plan.swarm.SwarmPlans;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code ./labforge} line of the README's command blocks, as written: the command line takes it (every
 * subcommand and option exists), the lab files it names exist and read as the README says (valid, or the invalid
 * example refused with its errors), and a command that names a lab's part (a swarm service, a host) names one its
 * example lab has. Integration tests run them as written ({@code ReadmeLines} in the it package says which runs each).
 */
public class ReadmeCommandsTest {
    static final Path ROOT = Path.of("..");
    /** A placeholder the README writes in capitals (SAGA, ID, NAME …): any value is fine for parsing. */
    static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z_]+");

    @Test
    void everyReadmeCommandIsTakenAsWrittenAndNamesWhatItsExampleLabsHave() throws IOException {
        List<String> lines = commands(Files.readString(ROOT.resolve("README.md")));
        assertThat(lines).as("the README's command lines").hasSizeGreaterThan(20);
        Map<String, Lab> labs = labsByName();
        String script = Files.readString(ROOT.resolve("labforge"));
        SoftAssertions soft = new SoftAssertions();
        for (String line : lines) {
            List<String> args = args(line);
            if (args.get(0).equals("bench") || args.get(0).equals("soak")) {
                // the script runs these itself (Maven goals), not the command line
                String branch = args.get(0).equals("soak") ? "\"soak\" ]" : args.size() > 1 && !args.get(1).startsWith("-")
                        ? "\"${2:-}\" = \"" + args.get(1) + "\"" : "\"bench\" ]";
                soft.assertThat(script).as(line).contains(branch);
                continue;
            }
            try {
                cli().parseArgs(args.toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                soft.fail(line + "\n  is refused by the command line: " + e.getMessage());
                continue;
            }
            for (String a : args) {
                if (a.endsWith(".yaml")) {
                    Path file = ROOT.resolve(a);
                    soft.assertThat(file).as(line).exists();
                    if (Files.exists(file)) {
                        LabParser.Result r = Features.PARSER.read(Files.readString(file));
                        if (a.contains("invalid")) {
                            soft.assertThat(r.errors()).as(line + ": the invalid example has errors to list").isNotEmpty();
                        } else {
                            soft.assertThat(r.errors()).as(line).isEmpty();
                        }
                    }
                }
            }
            if (args.size() >= 3 && (args.get(0).equals("swarm") || args.get(0).equals("kubernetes"))) {
                Lab lab = labs.get(args.get(2));
                soft.assertThat(lab).as(line + ": an example lab named " + args.get(2)).isNotNull();
                if (lab != null && args.get(1).equals("scale")) {
                    try {
                        SwarmPlans.scale(lab, args.get(3), Integer.parseInt(args.get(4)));
                    } catch (IllegalArgumentException e) {
                        soft.fail(line + "\n  does not work on its example lab: " + e.getMessage());
                    }
                }
            }
            if (args.get(0).equals("lab") && args.get(1).equals("reboot")) {
                Lab lab = Features.PARSER.read(Files.readString(ROOT.resolve(args.get(2)))).lab();
                soft.assertThat(lab.hostNames()).as(line).contains(args.get(3));
            }
        }
        soft.assertAll();
    }

    @Test
    void aCommandTheCliDoesNotHaveIsCaught() {
        List<String> args = args("./labforge swarm scael swarm tp1_web 5   # a typo");
        assertThat(args).containsExactly("swarm", "scael", "swarm", "tp1_web", "5");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cli().parseArgs(args.toArray(String[]::new)))
                .isInstanceOf(CommandLine.ParameterException.class);
        assertThat(args("./labforge audit list|export|verify [--saga ID]  # x")).containsExactly("audit", "list");
        assertThat(args("./labforge status [SAGA]")).containsExactly("status");
        assertThat(args("./labforge resume SAGA")).containsExactly("resume", "x");
    }

    /** The command line as ./labforge runs it (DevCli: the product's commands, demo and lab). */
    static CommandLine cli() {
        CommandLine cli = LabforgeCli.commandLine();
        cli.addSubcommand("demo", new DemoCommand());
        cli.addSubcommand("lab", new LabCommands.LabCmd());
        return cli;
    }

    /** The {@code ./labforge …} lines of the README's bash blocks. */
    public static List<String> commands(String readme) {
        List<String> out = new ArrayList<>();
        boolean inBash = false;
        for (String l : readme.lines().toList()) {
            if (l.startsWith("```")) {
                inBash = !inBash && l.equals("```bash");
                continue;
            }
            if (inBash && l.startsWith("./labforge ")) {
                out.add(l);
            }
        }
        return out;
    }

    /** A README line as arguments: its comment dropped, {@code [optional]} parts left out, the first of {@code a|b}, placeholders filled. */
    static List<String> args(String line) {
        String s = line.replaceFirst("\\s+#.*$", "").replaceFirst("^\\./labforge\\s+", "").replaceAll("\\[[^\\]]*\\]", " ");
        List<String> out = new ArrayList<>();
        for (String w : s.trim().split("\\s+")) {
            w = w.contains("|") ? w.substring(0, w.indexOf('|')) : w;
            Matcher m = PLACEHOLDER.matcher(w);
            out.add(m.matches() ? "x" : w);
        }
        return out;
    }

    static Map<String, Lab> labsByName() throws IOException {
        Map<String, Lab> out = new LinkedHashMap<>();
        try (var files = Files.list(ROOT.resolve("examples"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = Files.readString(f);
                LabParser.Result r = Features.PARSER.read(yaml, LabFiles.collect(f, Features.PARSER.read(yaml)));
                if (r.ok()) {
                    out.put(r.lab().name(), r.lab());
                }
            }
        }
        return out;
    }
}
