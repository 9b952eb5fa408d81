package io.labforge.cluster.swarm;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Config;
import com.github.dockerjava.api.model.ContainerSpec;
import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.EndpointResolutionMode;
import com.github.dockerjava.api.model.EndpointSpec;
import com.github.dockerjava.api.model.PortConfig;
import com.github.dockerjava.api.model.PortConfigProtocol;
import com.github.dockerjava.api.model.Service;
import com.github.dockerjava.api.model.ServiceModeConfig;
import com.github.dockerjava.api.model.ServicePlacement;
import com.github.dockerjava.api.model.ServiceReplicatedModeOptions;
import com.github.dockerjava.api.model.ServiceSpec;
import com.github.dockerjava.api.model.SwarmNodeState;
import com.github.dockerjava.api.model.Task;
import com.github.dockerjava.api.model.TaskSpec;
import com.github.dockerjava.api.model.TaskState;
import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.EnsureService;
import io.labforge.common.lab.swarm.PublishedPort;
import io.labforge.common.lab.swarm.RemoveService;
import io.labforge.common.lab.swarm.ScaleService;
import io.labforge.common.lab.swarm.SwarmService;
import io.labforge.common.messaging.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;


/** {@link ScaleService}: the replicas alone, awaited until they run. */
public final class ScaleServiceExecutor implements Executor<ScaleService> {
    private final Managers managers;

    public ScaleServiceExecutor(Managers managers) {
        this.managers = managers;
    }

    @Override
    public Class<ScaleService> commandType() {
        return ScaleService.class;
    }

    @Override
    public Outcome check(ScaleService c, StepContext ctx) {
        return run(c, ctx, false);
    }

    @Override
    public Outcome apply(ScaleService c, StepContext ctx) {
        return run(c, ctx, true);
    }

    private Outcome run(ScaleService c, StepContext ctx, boolean apply) {
        if (c.replicas() < 0 || c.replicas() > 1000) {
            throw ExecutorException.refused(c.replicas() + " replicas: give 0 to 1000");
        }
        return managers.call(c.lab(), c.manager(), dc -> {
            Service s = SwarmServices.find(dc, c.name()).orElseThrow(() -> ExecutorException.refused("the swarm has no service " + c.name()
                    + ": create it from the lab file first"));
            ServiceSpec spec = s.getSpec();
            if (spec.getMode() == null || spec.getMode().getReplicated() == null) {
                throw ExecutorException.refused("service " + c.name() + " is global, not replicated: it cannot be scaled");
            }
            long previous = spec.getMode().getReplicated().getReplicas();
            var out = Json.object().put("previous", previous);
            if (previous == c.replicas()) {
                return Outcome.of(false, c.name() + " has " + previous + " replicas", out.put("running", SwarmServices.running(dc, c.name())));
            }
            if (!apply) {
                return Outcome.of(true, "~ " + c.name() + " replicas " + previous + " → " + c.replicas(), out);
            }
            spec.getMode().getReplicated().withReplicas(c.replicas());
            dc.updateServiceCmd(s.getId(), spec).withVersion(s.getVersion().getIndex()).exec();
            long running = SwarmServices.awaitConverged(dc, c.name(), c.replicas(), ctx);
            return Outcome.of(true, "~ " + c.name() + " replicas " + previous + " → " + c.replicas() + "; " + running + " running",
                    out.put("running", running));
        });
    }
}
