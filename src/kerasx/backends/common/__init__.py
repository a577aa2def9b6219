"""Framework-free helpers shared by every backend adapter (dtype rules, shape maths).

Nothing here imports a framework or the kerasx frontend: adapters may import it freely.
"""
