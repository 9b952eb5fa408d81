package io.labforge.agent.executor.swarm;

import io.labforge.common.exec.Executor;
import io.labforge.common.exec.ExecutorException;
import io.labforge.common.exec.Outcome;
import io.labforge.common.exec.StepContext;
import io.labforge.common.lab.swarm.RemoveStack;
import io.labforge.common.messaging.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Undoes {@link DeployStack}: {@code docker stack rm}, only when
 * that step created the stack, then waits until its services and networks are gone (the CLI returns
 * before they are).
 */
public final class RemoveStackExecutor implements Executor<RemoveStack> {
    @Override
    public Class<RemoveStack> commandType() {
        return RemoveStack.class;
    }

    @Override
    public Outcome check(RemoveStack c, StepContext ctx) {
        StackDir.requireRealHost(ctx);
        boolean exists = !DeployStackExecutor.specs(ctx, c.stack()).isEmpty() || !networks(ctx, c.stack()).isEmpty();
        if (!c.created() || !exists) {
            return Outcome.unchanged(exists ? "stack " + c.stack() + " kept: the step found it deployed" : "no stack " + c.stack());
        }
        return Outcome.of(true, "- stack " + c.stack(), Json.object());
    }

    @Override
    public Outcome apply(RemoveStack c, StepContext ctx) {
        Outcome check = check(c, ctx);
        if (!check.changed()) {
            return check;
        }
        // the CLI removes the services, then the networks at once: those still used by stopping tasks
        // fail ("active endpoints"), so they are removed again below once the tasks are gone
        ctx.processes().run(List.of("docker", "stack", "rm", c.stack()), StackDir.QUICK, ctx.progress());
        long deadline = System.nanoTime() + StackDir.QUICK.toNanos();
        String filter = "label=" + DeployStackExecutor.NAMESPACE + "=" + c.stack();
        while (true) {
            boolean services = !ctx.processes().query(List.of("docker", "service", "ls", "--quiet", "--filter", filter), StackDir.QUICK).isBlank();
            List<String> networks = networks(ctx, c.stack());
            if (!services && networks.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new ExecutorException("stack " + c.stack() + " is still being removed after " + StackDir.QUICK.toMinutes()
                        + " min (services " + (services ? "left" : "gone") + ", networks " + networks + ")", true);
            }
            if (!services) {
                List<String> rm = new ArrayList<>(List.of("docker", "network", "rm"));
                rm.addAll(networks);
                ctx.processes().run(rm, StackDir.QUICK, null);
            }
            ExecutorException.pause(1000);
        }
        try {
            StackDir.delete(StackDir.dir(ctx, c.stack()));
        } catch (IOException e) {
            ctx.progress().accept("the stack's files stay in " + StackDir.dir(ctx, c.stack()) + ": " + e.getMessage());
        }
        return Outcome.of(true, "- stack " + c.stack() + " (services and networks removed)", Json.object());
    }

    static List<String> networks(StepContext ctx, String stack) {
        return ctx.processes().query(List.of("docker", "network", "ls", "--quiet", "--filter",
                "label=" + DeployStackExecutor.NAMESPACE + "=" + stack), StackDir.QUICK).lines().filter(l -> !l.isBlank()).toList();
    }
}
