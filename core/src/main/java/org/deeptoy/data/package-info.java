/**
 * The course datasets and what a training loop needs around them.
 *
 * <pre>
 * Split mnist = Datasets.mnist();                       // train 60,000, test 10,000, [N, 1, 28, 28], pixels 0..255
 * Scaler scaler = Scaler.pixels();                      // or Scaler.standardize(mnist.train()): training statistics only
 * Dataset train = scaler.apply(mnist.train()).flatten(); // [60000, 784]
 * Dataset test = scaler.apply(mnist.test()).flatten();
 * Random random = new Random(42);
 * for (int epoch = 0; epoch &lt; 5; epoch++) {
 *     for (Batch b : train.batches(128, random)) { ... b.x(), b.labels(), b.oneHot(10) ... }
 * }
 *
 * Split iris = Datasets.iris().split(0.3, 42);          // stratified, seeded
 * Dataset quick = mnist.train().stratifiedFirst(5000);  // every class in proportion
 * </pre>
 *
 * <p>Where the files come from, in order: a directory given in code ({@code Datasets.mnist(dir)});
 * the system property {@code deeptoy.data} or the environment variable {@code DEEPTOY_DATA}, each a
 * folder with {@code iris/, mnist/, fashion-mnist/, cifar-10/}; the user cache
 * {@code ~/.deeptoy/datasets} (system property {@code deeptoy.cache}); Debian's
 * {@code /usr/share/datasets} (package {@code dataset-fashion-mnist}); otherwise a download from the
 * official source into the cache, verified against published checksums before it is moved into
 * place. System properties {@code deeptoy.mirror} (a base URL laid out as
 * {@code <mirror>/<folder>/<official file name>}) and {@code deeptoy.download=false} change the last
 * step. When nothing works, one {@link org.deeptoy.data.DatasetException} lists every place looked
 * and how to get the data.
 */
package org.deeptoy.data;
