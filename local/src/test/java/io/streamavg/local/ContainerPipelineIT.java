package io.streamavg.local;

import io.streamavg.runtime.ServiceContext;
import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The end-to-end scenarios on a broker in a container (the {@code apache/kafka} image of the
 * clients' release), for those who have Docker: the services then talk to a Kafka of their own
 * over the network, as in a deployment. Skipped, saying so, where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineIT extends PipelineScenarios {

    // One broker per scenario: the pipeline's topics have fixed names, and the restart scenario
    // needs the same broker across its two pipelines.
    @Container
    private final KafkaContainer kafka = new KafkaContainer(
            DockerImageName.parse(System.getProperty("streamavg.kafka.image", "apache/kafka:4.4.0")));

    @Override
    Pipeline start(final Path dataDir, final Path db, final Map<String, String> options) throws Exception {
        final ServiceContext context = context();
        return started(new LocalStack(config(dataDir, db, options), context, kafka.getBootstrapServers()), context);
    }
}
