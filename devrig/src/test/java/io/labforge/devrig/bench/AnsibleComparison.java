package io.labforge.devrig.bench;

import io.labforge.common.features.Features;
import io.labforge.common.lab.Lab;
import io.labforge.devrig.embedded.EmbeddedServices;
import io.labforge.devrig.labhosts.DirectoryHosts;
import io.labforge.orchestrator.persistence.SagaRepository;
import io.labforge.orchestrator.runtime.LabSubmissions;
import io.labforge.orchestrator.runtime.SagaReads;
import io.labforge.orchestrator.saga.Saga;
import io.labforge.common.id.SagaId;
import io.labforge.orchestrator.trust.WorkerIdentities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./labforge bench ansible} (not a test): the same lab applied by Labforge and by Ansible, side by side, on
 * directory hosts (each host a directory; Ansible reaches them with {@code ansible_connection=local} and writes
 * under the host's {@code root}). The lab: the {@code student} role of examples/class-300.yaml (hostname, every
 * host in /etc/hosts, the firewall's nftables files, Docker's daemon.json). For each N it applies the lab twice with
 * each tool (a first apply, then one that changes nothing), checks that both left the same files on every host, and
 * prints wall time, CPU (all processes of the tool: for Labforge this JVM, its fleet of agents and PostgreSQL) and
 * the peak of the tool's summed resident memory, sampled every 100 ms. Labforge's agents are installed and running
 * before its first apply (their start is printed apart); Ansible installs nothing. Installs Debian's ansible
 * when {@code ansible-playbook} is missing.
 */
@Command(name = "labforge-bench-ansible", mixinStandardHelpOptions = true, description = "Labforge and Ansible on the same lab.")
public final class AnsibleComparison implements Callable<Integer> {
    @Option(names = "--hosts", split = ",", defaultValue = "10,50,200", description = "directory host counts (default 10,50,200; 0 for none)")
    int[] sizes;
    @Option(names = "--forks", defaultValue = "50", description = "Ansible's forks, at most (default 50; Ansible's own default is 5)")
    int forks;
    @Option(names = "--containers", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also the three-container lab over SSH (default: yes; needs Docker and the lab-host image)")
    boolean containers;

    private static final List<String> PORTS = List.of("22/tcp", "80/tcp", "9323/tcp");
    private static final String DAEMON_JSON = "{\n  \"metrics-addr\" : \"0.0.0.0:9323\"\n}\n";

    public static void main(String[] args) {
        System.exit(new CommandLine(new AnsibleComparison()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        String ansible = ansiblePlaybook();
        Path dir = Files.createTempDirectory("labforge-bench-ansible");
        Path jar = Files.exists(Path.of("..", "agent", "target", "labforge-agent-exec.jar")) ? Path.of("..", "agent", "target", "labforge-agent-exec.jar")
                : Path.of("agent", "target", "labforge-agent-exec.jar");
        List<String> rows = new ArrayList<>();
        boolean same = true;
        try (BenchStack stack = BenchStack.start(dir)) {
            EmbeddedServices infra = stack.infra();
            ConfigurableApplicationContext ctx = stack.ctx();
            for (int n : java.util.Arrays.stream(sizes).filter(n -> n > 0).toArray()) {
                String source = ClassBenchmark.lab(n, n).replace("name: class-" + n, "name: ansible-" + n);
                Lab lab = Features.PARSER.parse(source, "lab.yaml");
                Path lf = dir.resolve("labforge-" + n);
                DirectoryHosts hosts = new DirectoryHosts(lf, dir.resolve("orchestrator"));
                hosts.prepare(lab.hosts(), ctx.getBean(WorkerIdentities.class), "bench", infra.kafkaBootstrapServers());
                long t0 = System.nanoTime();
                Process fleet = hosts.startFleet(jar, n);
                try {
                    List<String> names = lab.hostNames();
                    SagaRepository repo = ctx.getBean(SagaRepository.class);
                    Awaitility.await("agents announce themselves").atMost(Duration.ofSeconds(60 + n)).pollInterval(Duration.ofMillis(200))
                            .until(() -> repo.hosts(names).stream().filter(r -> r.get("announced_at") != null).count() == n);
                    double started = (System.nanoTime() - t0) / 1e9;
                    List<Long> labforgePids = new ArrayList<>(List.of(ProcessHandle.current().pid(), fleet.pid()));
                    labforgePids.addAll(postgres(dir.resolve("infra")));
                    for (String run : List.of("first apply", "no change")) {
                        ToolMeter.Figures f = ToolMeter.measure(labforgePids, () -> {
                            SagaId id = ctx.getBean(LabSubmissions.class).submit(source, Saga.Mode.APPLY, "bench");
                            SagaReads reads = ctx.getBean(SagaReads.class);
                            Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> reads.status(id).isFinal());
                            return reads.status(id).name();
                        });
                        rows.add(String.format("| %d | Labforge | %s | %.1f s | %.1f s | %d MB | %s |", n, run, f.wall(), f.cpu(), f.peakMb(),
                                f.outcome() + (run.equals("first apply") ? String.format(" (agents started in %.1f s before)", started) : "")));
                    }
                } finally {
                    fleet.destroy();
                    fleet.waitFor();
                }
                Path an = dir.resolve("ansible-" + n);
                prepareAnsible(an, lab);
                for (String run : List.of("first apply", "no change")) {
                    Path times = an.resolve("time-" + run.replace(' ', '-'));
                    Process[] p = new Process[1];
                    ToolMeter.Figures f = ToolMeter.measure(List.of(), () -> {
                        p[0] = new ProcessBuilder("/usr/bin/time", "-o", times.toString(), "-f", "%U %S", ansible, "-i", "inventory.ini",
                                "-f", Integer.toString(Math.min(n, forks)), "playbook.yml").directory(an.toFile())
                                .redirectErrorStream(true).redirectOutput(an.resolve("ansible-" + run.replace(' ', '-') + ".log").toFile()).start();
                        return p[0];
                    });
                    String[] cpu = Files.readString(times).strip().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
                    String recap = Files.readString(an.resolve("ansible-" + run.replace(' ', '-') + ".log")).lines()
                            .filter(l -> l.contains("changed=")).map(l -> l.replaceAll(".*changed=(\\d+).*failed=(\\d+).*", "changed=$1 failed=$2"))
                            .distinct().reduce((a, b) -> a + ", " + b).orElse("?");
                    rows.add(String.format("| %d | Ansible %s | %s | %.1f s | %.1f s | %d MB | %s (forks %d) |", n, ansibleVersion(ansible), run,
                            f.wall(), Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1]), f.peakMb(), recap, Math.min(n, forks)));
                }
                List<String> differ = compare(lf, an, lab);
                same &= differ.isEmpty();
                rows.add("| " + n + " | same files on every host | " + (differ.isEmpty() ? "yes" : "NO: " + differ.subList(0, Math.min(5, differ.size())))
                        + " | | | | |");
            }
        }
        List<String> sshRows = List.of();
        if (containers) {
            var why = io.labforge.devrig.labhosts.LocalLab.dockerUnavailable();
            if (why.isPresent()) {
                System.out.println("the three-container lab over SSH is skipped: " + why.get());
            } else {
                sshRows = new SshComparison(dir, jar, ansible, ansibleVersion(ansible)).run();
                same &= sshRows.get(sshRows.size() - 1).contains("| yes |");
            }
        }
        if (!rows.isEmpty()) {
            System.out.println("\n| hosts | tool | run | wall | CPU | peak memory | outcome |\n|---|---|---|---|---|---|---|");
            rows.forEach(System.out::println);
        }
        if (!sshRows.isEmpty()) {
            System.out.println("\n| hosts | tool | run | wall | CPU here | CPU on the hosts | peak memory | outcome |\n|---|---|---|---|---|---|---|---|");
            sshRows.forEach(System.out::println);
            System.out.println("CPU on the hosts: the containers' whole cgroups (agents or sshd and Python modules, firewalld, dockerd's restart);"
                    + " peak memory: the tool's processes here and on the hosts (Labforge's agents, Ansible's modules while they run)");
        }
        System.out.printf("measured %s on %d cores; CPU: user+system of all the tool's processes; memory: their summed RSS, sampled every 100 ms%n",
                Instant.now(), Runtime.getRuntime().availableProcessors());
        return same ? 0 : 1;
    }

    /** ansible-playbook, installed from Debian's ansible when missing. */
    private static String ansiblePlaybook() throws IOException, InterruptedException {
        if (new ProcessBuilder("sh", "-c", "command -v ansible-playbook").start().waitFor() != 0) {
            // Debian's ansible: ansible-core and the collections (ansible.posix's firewalld module, for the SSH variant)
            System.out.println("ansible-playbook is missing: apt-get install ansible (Debian's) …");
            Process p = new ProcessBuilder("apt-get", "install", "-y", "-qq", "--no-install-recommends", "ansible").inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("apt-get install ansible failed: install Ansible, then run this again");
            }
        }
        return "ansible-playbook";
    }

    static String ansibleVersion(String ansible) throws IOException {
        return new String(new ProcessBuilder(ansible, "--version").start().getInputStream().readAllBytes()).lines().findFirst().orElse("")
                .replaceAll(".*core ([0-9.]+).*", "$1");
    }

    /** Each host's root as the directory hosts start (see DirectoryHosts), an inventory and the equivalent playbook. */
    private static void prepareAnsible(Path dir, Lab lab) throws IOException {
        StringBuilder inv = new StringBuilder("[all]\n");
        StringBuilder block = new StringBuilder();
        for (Lab.Host h : lab.hosts()) {
            Path root = dir.resolve("hosts").resolve(h.name()).toAbsolutePath();
            DirectoryHosts.freshDebian(root);
            inv.append(h.name()).append(" ansible_connection=local ansible_python_interpreter=/usr/bin/python3 root=").append(root).append('\n');
            block.append("          ").append(h.address()).append(' ').append(h.name()).append('.').append(lab.domain()).append(' ').append(h.name()).append('\n');
        }
        Files.writeString(dir.resolve("inventory.ini"), inv);
        StringBuilder accepts = new StringBuilder();
        for (String p : PORTS) {
            if (p.equals("22/tcp")) {
                continue; // the ruleset's fixed ssh line already accepts it, and Labforge does not repeat it
            }
            accepts.append("          ").append("    ").append(p.substring(p.indexOf('/') + 1)).append(" dport ").append(p, 0, p.indexOf('/'))
                    .append(" accept\n");
        }
        String ports = String.join("\\\",\\\"", PORTS);
        Files.writeString(dir.resolve("playbook.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: directories
                      ansible.builtin.file: {path: "{{ root }}/etc/{{ item }}", state: directory, mode: "0755"}
                      loop: [docker, labforge, nftables.d]
                    - name: hostname
                      ansible.builtin.copy: {dest: "{{ root }}/etc/hostname", content: "{{ inventory_hostname }}\\n", mode: "0644"}
                    - name: every host in /etc/hosts
                      ansible.builtin.blockinfile:
                        path: "{{ root }}/etc/hosts"
                        marker: "# {mark}"
                        marker_begin: "BEGIN labforge (managed by Labforge: edits between these lines are replaced)"
                        marker_end: "END labforge"
                        block: |
                %s
                    - name: firewall state
                      ansible.builtin.copy: {dest: "{{ root }}/etc/labforge/firewall.json", content: "{\\"public\\":{\\"ports\\":[\\"%s\\"],\\"services\\":[]}}\\n", mode: "0644"}
                    - name: firewall rules
                      ansible.builtin.copy:
                        dest: "{{ root }}/etc/nftables.d/labforge.nft"
                        mode: "0644"
                        content: |
                          # Managed by Labforge: rendered from /etc/labforge/firewall.json; edits here are replaced.
                          table inet labforge
                          delete table inet labforge
                          table inet labforge {
                            chain input {
                              type filter hook input priority filter; policy drop;
                              ct state established,related accept
                              ct state invalid drop
                              iifname "lo" accept
                              iifname { "docker0", "docker_gwbridge" } accept
                              meta l4proto { icmp, ipv6-icmp } accept
                              tcp dport 22 accept comment "ssh stays open: the host must stay reachable"
                %s            }
                          }
                    - name: nftables includes the rules
                      ansible.builtin.copy: {dest: "{{ root }}/etc/nftables.conf", content: "#!/usr/sbin/nft -f\\ninclude \\"/etc/nftables.d/labforge.nft\\"\\n", mode: "0644"}
                    - name: Docker's daemon.json
                      ansible.builtin.copy:
                        dest: "{{ root }}/etc/docker/daemon.json"
                        mode: "0644"
                        content: |
                          {
                            "metrics-addr" : "0.0.0.0:9323"
                          }
                """.formatted(block.toString().stripTrailing(), ports, accepts));
    }

    /** Files (path and content) that differ between the two tools' roots, on any host. */
    private static List<String> compare(Path labforge, Path ansible, Lab lab) throws IOException {
        List<String> differ = new ArrayList<>();
        for (Lab.Host h : lab.hosts()) {
            Map<String, String> a = files(labforge.resolve("hosts").resolve(h.name()));
            Map<String, String> b = files(ansible.resolve("hosts").resolve(h.name()));
            for (String f : a.keySet()) {
                if (!a.get(f).equals(b.get(f))) {
                    differ.add(h.name() + ":" + f);
                }
            }
            b.keySet().stream().filter(f -> !a.containsKey(f)).forEach(f -> differ.add(h.name() + ":" + f + " (only Ansible's)"));
        }
        return differ;
    }

    private static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readString(p));
            }
        }
        return out;
    }

    /** PostgreSQL's processes of the embedded server whose data is under {@code infra}. */
    static List<Long> postgres(Path infra) {
        String data = infra.toAbsolutePath().toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(data)
                && p.info().command().orElse("").contains("postgres")).map(ProcessHandle::pid).toList();
    }
}
