"""Reference grid from TEOS-10 GSW (Debian python3-gsw) for seawater.test.ts.

Prints JSON: practical salinity / conductivity on an SP × t × p grid and
height on a p × latitude grid. Run with Debian's /usr/bin/python3.
"""
import json
import sys

import numpy as np
import gsw

sp = np.linspace(0.0, 42.0, 22)
t = np.linspace(-2.0, 40.0, 15)
p = np.linspace(0.0, 10000.0, 11)
SP, T, P = [a.ravel() for a in np.meshgrid(sp, t, p, indexing="ij")]
C = gsw.C_from_SP(SP, T, P)
SP_back = gsw.SP_from_C(C, T, P)

pz = np.linspace(0.0, 10000.0, 101)
lat = np.linspace(-90.0, 90.0, 37)
PZ, LAT = [a.ravel() for a in np.meshgrid(pz, lat, indexing="ij")]
Z = gsw.z_from_p(PZ, LAT)

def clean(a):
    """NaN (GSW's invalid value) becomes null, which JSON can carry."""
    return [None if np.isnan(x) else float(x) for x in a]


json.dump(
    {
        "gsw_version": gsw.__version__,
        "SP": clean(SP), "t": clean(T), "p": clean(P),
        "C": clean(C), "SP_from_C": clean(SP_back),
        "pz": clean(PZ), "lat": clean(LAT), "z": clean(Z),
    },
    sys.stdout,
)
