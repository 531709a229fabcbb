import org.deeptoy.data.Datasets;

/**
 * Downloads the course's datasets once, for a class server (install/classroom.sh): run with
 * {@code -Ddeeptoy.cache=DIR} and the kernel jar on the class path; each loader downloads into the
 * cache what it finds nowhere else, checking checksums. Fashion-MNIST may come from Debian's
 * dataset-fashion-mnist package (/usr/share/datasets) instead.
 */
public class FetchDatasets {
    public static void main(String[] args) {
        System.out.println("iris: " + Datasets.iris());
        System.out.println("mnist: " + Datasets.mnist().test());
        System.out.println("fashion-mnist: " + Datasets.fashionMnist().test());
        System.out.println("cifar-10: " + Datasets.cifar10().test());
    }
}
