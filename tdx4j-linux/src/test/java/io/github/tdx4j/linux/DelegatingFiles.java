package io.github.tdx4j.linux;

import io.github.tdx4j.linux.internal.KernelFileException;
import io.github.tdx4j.linux.internal.KernelFiles;

/** Forwards everything; tests override one method to add a kernel behaviour. */
class DelegatingFiles implements KernelFiles {
    final KernelFiles inner;

    DelegatingFiles(KernelFiles inner) {
        this.inner = inner;
    }

    @Override
    public String display(String relative) {
        return inner.display(relative);
    }

    @Override
    public boolean exists(String relative) {
        return inner.exists(relative);
    }

    @Override
    public byte[] read(String relative, int limit) throws KernelFileException {
        return inner.read(relative, limit);
    }

    @Override
    public int write(String relative, byte[] data) throws KernelFileException {
        return inner.write(relative, data);
    }

    @Override
    public void mkdir(String relative) throws KernelFileException {
        inner.mkdir(relative);
    }

    @Override
    public void rmdir(String relative) throws KernelFileException {
        inner.rmdir(relative);
    }

    @Override
    public byte[] getReport0(String relative, byte[] reportData) throws KernelFileException {
        return inner.getReport0(relative, reportData);
    }

    @Override
    public void probeOpen(String relative) throws KernelFileException {
        inner.probeOpen(relative);
    }
}
