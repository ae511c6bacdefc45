from agencies.roles import actor_for


def role(request):
    return {"actor": actor_for(request.user)} if hasattr(request, "user") else {}
